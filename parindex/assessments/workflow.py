"""The assessment workflow as one pure transition table: state × action × role → next state.

Pages, services and any API ask `next_state` and nothing else; an action that the
table does not allow is refused with a message (Vietnamese, translated) that says why.
No database and no models: the table is tested exhaustively on its own; it imports only
the role type and Django's lazy translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.accounts.roles import Role


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_APPRAISAL = "in_appraisal"
    EXPLANATION_REQUESTED = "explanation_requested"
    EXPLAINED = "explained"
    APPRAISED = "appraised"
    APPROVED = "approved"
    PUBLISHED = "published"


class Action(StrEnum):
    SAVE_DRAFT = "save_draft"  # officer or head edits self-assessment entries or evidence
    SUBMIT = "submit"  # the unit head sends the self-assessment
    RETURN_TO_UNIT = "return_to_unit"  # appraiser sends an incomplete submission back
    START_APPRAISAL = "start_appraisal"
    # After the unit's deadline (the service checks it), the appraiser appraises a unit that
    # never sent its self-assessment ("đơn vị không gửi tự đánh giá").
    TAKE_UNSUBMITTED = "take_unsubmitted"
    APPRAISE = "appraise"  # appraiser sets an appraised score
    REQUEST_EXPLANATION = "request_explanation"
    ANSWER_EXPLANATION = "answer_explanation"  # the unit writes answers, adds evidence
    SEND_EXPLANATION = "send_explanation"  # the unit head sends the answers
    FINALISE = "finalise"  # appraiser closes the appraisal of the unit
    REOPEN = "reopen"  # appraiser reopens a finalised appraisal
    APPROVE = "approve"  # council member signs off (per unit group)
    RETURN_FOR_REVIEW = "return_for_review"  # council sends a unit back to the appraisers
    PUBLISH = "publish"  # administrator publishes the period's results
    AMEND = "amend"  # administrator corrects a published result, with a reason


STATE_LABELS: dict[State, Any] = {
    State.DRAFT: _("Đang tự đánh giá"),
    State.SUBMITTED: _("Đã gửi, chờ thẩm định"),
    State.IN_APPRAISAL: _("Đang thẩm định"),
    State.EXPLANATION_REQUESTED: _("Yêu cầu giải trình"),
    State.EXPLAINED: _("Đã giải trình"),
    State.APPRAISED: _("Đã thẩm định"),
    State.APPROVED: _("Hội đồng đã thông qua"),
    State.PUBLISHED: _("Đã công bố"),
}

ACTION_LABELS: dict[Action, Any] = {
    Action.SAVE_DRAFT: _("lưu tự chấm"),
    Action.SUBMIT: _("gửi kết quả tự đánh giá"),
    Action.RETURN_TO_UNIT: _("trả lại đơn vị"),
    Action.START_APPRAISAL: _("bắt đầu thẩm định"),
    Action.TAKE_UNSUBMITTED: _("thẩm định đơn vị không gửi tự đánh giá"),
    Action.APPRAISE: _("chấm điểm thẩm định"),
    Action.REQUEST_EXPLANATION: _("yêu cầu giải trình"),
    Action.ANSWER_EXPLANATION: _("trả lời giải trình"),
    Action.SEND_EXPLANATION: _("gửi giải trình"),
    Action.FINALISE: _("kết thúc thẩm định"),
    Action.REOPEN: _("mở lại thẩm định"),
    Action.APPROVE: _("thông qua"),
    Action.RETURN_FOR_REVIEW: _("trả lại để thẩm định lại"),
    Action.PUBLISH: _("công bố kết quả"),
    Action.AMEND: _("điều chỉnh kết quả đã công bố"),
}

ROLE_LABELS: dict[Role, Any] = {
    Role.OFFICER: _("cán bộ đầu mối"),
    Role.HEAD: _("thủ trưởng đơn vị"),
    Role.APPRAISER: _("thẩm định viên"),
    Role.COUNCIL: _("thành viên hội đồng"),
    Role.LEADER: _("lãnh đạo tỉnh"),
    Role.ADMIN: _("quản trị hệ thống"),
}

_UNIT: frozenset[Role] = frozenset({Role.OFFICER, Role.HEAD})
_HEAD: frozenset[Role] = frozenset({Role.HEAD})
_APPRAISER: frozenset[Role] = frozenset({Role.APPRAISER})
_COUNCIL: frozenset[Role] = frozenset({Role.COUNCIL})
_ADMIN: frozenset[Role] = frozenset({Role.ADMIN})

# (state, action) → (roles allowed, next state)
TRANSITIONS: dict[tuple[State, Action], tuple[frozenset[Role], State]] = {
    (State.DRAFT, Action.SAVE_DRAFT): (_UNIT, State.DRAFT),
    (State.DRAFT, Action.SUBMIT): (_HEAD, State.SUBMITTED),
    (State.DRAFT, Action.TAKE_UNSUBMITTED): (_APPRAISER, State.IN_APPRAISAL),
    (State.SUBMITTED, Action.RETURN_TO_UNIT): (_APPRAISER, State.DRAFT),
    (State.SUBMITTED, Action.START_APPRAISAL): (_APPRAISER, State.IN_APPRAISAL),
    (State.IN_APPRAISAL, Action.APPRAISE): (_APPRAISER, State.IN_APPRAISAL),
    (State.IN_APPRAISAL, Action.REQUEST_EXPLANATION): (_APPRAISER, State.EXPLANATION_REQUESTED),
    (State.IN_APPRAISAL, Action.FINALISE): (_APPRAISER, State.APPRAISED),
    (State.EXPLANATION_REQUESTED, Action.ANSWER_EXPLANATION): (_UNIT, State.EXPLANATION_REQUESTED),
    (State.EXPLANATION_REQUESTED, Action.SEND_EXPLANATION): (_UNIT, State.EXPLAINED),
    (State.EXPLAINED, Action.APPRAISE): (_APPRAISER, State.EXPLAINED),
    (State.EXPLAINED, Action.REQUEST_EXPLANATION): (_APPRAISER, State.EXPLANATION_REQUESTED),
    (State.EXPLAINED, Action.FINALISE): (_APPRAISER, State.APPRAISED),
    (State.APPRAISED, Action.REOPEN): (_APPRAISER, State.IN_APPRAISAL),
    (State.APPRAISED, Action.APPROVE): (_COUNCIL, State.APPROVED),
    (State.APPRAISED, Action.RETURN_FOR_REVIEW): (_COUNCIL, State.IN_APPRAISAL),
    (State.APPROVED, Action.RETURN_FOR_REVIEW): (_COUNCIL, State.IN_APPRAISAL),
    (State.APPROVED, Action.PUBLISH): (_ADMIN, State.PUBLISHED),
    (State.PUBLISHED, Action.AMEND): (_ADMIN, State.PUBLISHED),
}


@dataclass(frozen=True)
class IllegalTransition(Exception):
    state: State
    action: Action
    role: Role | None

    def __str__(self) -> str:
        action = ACTION_LABELS[self.action]
        state = STATE_LABELS[self.state]
        rule = TRANSITIONS.get((self.state, self.action))
        if rule is None:
            allowed = [str(ACTION_LABELS[a]) for (s, a) in TRANSITIONS if s == self.state]
            if allowed:
                return gettext(
                    "Không thể %(action)s khi hồ sơ ở trạng thái «%(state)s»; "
                    "ở bước này chỉ có thể: %(allowed)s."
                ) % {"action": action, "state": state, "allowed": ", ".join(allowed)}
            return gettext("Không thể %(action)s khi hồ sơ ở trạng thái «%(state)s».") % {
                "action": action,
                "state": state,
            }
        roles = ", ".join(str(ROLE_LABELS[role]) for role in sorted(rule[0]))
        who = ROLE_LABELS[self.role] if self.role else gettext("người dùng này")
        return gettext("Chỉ %(roles)s mới được %(action)s (bạn là %(who)s).") % {
            "roles": roles,
            "action": action,
            "who": who,
        }


def next_state(state: State | str, action: Action | str, role: Role | str | None) -> State:
    """The state after `role` does `action` in `state`; raises `IllegalTransition` otherwise."""
    state, action = State(state), Action(action)
    role_value = Role(role) if role else None
    rule = TRANSITIONS.get((state, action))
    if rule is None or role_value not in rule[0]:
        raise IllegalTransition(state, action, role_value)
    return rule[1]


def allowed_actions(state: State | str, role: Role | str | None) -> list[Action]:
    """What `role` may do now, in table order (for buttons on pages)."""
    if not role:
        return []
    state, role_value = State(state), Role(role)
    return [
        action
        for (s, action), (roles, _) in TRANSITIONS.items()
        if s == state and role_value in roles
    ]


def roles_for(action: Action | str) -> frozenset[Role]:
    """Every role that may do `action` in some state: a page refuses (403) anyone else outright,
    and leaves "not now" (a wrong state) to `next_state`'s message."""
    action = Action(action)
    roles: set[Role] = set()
    for (_state, each), (allowed, _next) in TRANSITIONS.items():
        if each == action:
            roles |= allowed
    return frozenset(roles)


# States in which the unit edits its self-assessment, and in which appraisers edit scores.
UNIT_EDITABLE = frozenset({State.DRAFT})
APPRAISER_EDITABLE = frozenset({State.IN_APPRAISAL, State.EXPLAINED})
LOCKED = frozenset({State.APPROVED, State.PUBLISHED})
