"""The transition table, exhaustively: every state × action × role (and no role).

`SPEC` below is written out independently of `workflow.TRANSITIONS`, as the issue and the
provincial procedure describe the workflow; every combination is checked against it, so a
change to the table that the specification does not make fails here.
"""

from __future__ import annotations

import itertools

import pytest

from parindex.assessments.workflow import (
    ACTION_LABELS,
    ROLE_LABELS,
    STATE_LABELS,
    Action,
    IllegalTransition,
    Role,
    State,
    allowed_actions,
    next_state,
    roles_for,
)

UNIT = {"officer", "head"}

# (state, action) → (roles allowed, next state), as plain strings.
SPEC: dict[tuple[str, str], tuple[set[str], str]] = {
    ("draft", "save_draft"): (UNIT, "draft"),
    ("draft", "submit"): ({"head"}, "submitted"),  # the officer prepares, the head submits
    # After the unit's deadline (checked by the service, not the table) the appraiser takes a
    # unit that never submitted into appraisal.
    ("draft", "take_unsubmitted"): ({"appraiser"}, "in_appraisal"),
    ("submitted", "return_to_unit"): ({"appraiser"}, "draft"),
    ("submitted", "start_appraisal"): ({"appraiser"}, "in_appraisal"),
    ("in_appraisal", "appraise"): ({"appraiser"}, "in_appraisal"),
    ("in_appraisal", "request_explanation"): ({"appraiser"}, "explanation_requested"),
    ("in_appraisal", "finalise"): ({"appraiser"}, "appraised"),
    ("explanation_requested", "answer_explanation"): (UNIT, "explanation_requested"),
    ("explanation_requested", "send_explanation"): (UNIT, "explained"),
    ("explained", "appraise"): ({"appraiser"}, "explained"),
    ("explained", "request_explanation"): ({"appraiser"}, "explanation_requested"),
    ("explained", "finalise"): ({"appraiser"}, "appraised"),
    ("appraised", "reopen"): ({"appraiser"}, "in_appraisal"),
    ("appraised", "approve"): ({"council"}, "approved"),
    ("appraised", "return_for_review"): ({"council"}, "in_appraisal"),
    ("approved", "return_for_review"): ({"council"}, "in_appraisal"),
    ("approved", "publish"): ({"admin"}, "published"),
    ("published", "amend"): ({"admin"}, "published"),  # published results change only so
}

ROLES: list[str | None] = [role.value for role in Role] + [None]
COMBINATIONS = list(itertools.product([s.value for s in State], [a.value for a in Action], ROLES))


def test_the_table_covers_every_state_action_and_role_of_the_enums():
    assert len(COMBINATIONS) == len(State) * len(Action) * (len(Role) + 1) == 8 * 15 * 7


def _check(state: str, action: str, role: str | None) -> list[str]:
    """What is wrong with one combination (empty when it behaves as specified)."""
    where = f"{state} × {action} × {role}"
    rule = SPEC.get((state, action))
    if rule is not None and role in rule[0]:
        problems = []
        if next_state(state, action, role) != State(rule[1]):
            problems.append(f"{where}: goes to {next_state(state, action, role)}, not {rule[1]}")
        if Action(action) not in allowed_actions(state, role):
            problems.append(f"{where}: legal but not offered by allowed_actions")
        return problems
    try:
        reached = next_state(state, action, role)
    except IllegalTransition as refused:
        message = str(refused)
    else:
        return [f"{where}: should be refused, went to {reached}"]
    problems = []
    if Action(action) in allowed_actions(state, role):
        problems.append(f"{where}: refused but offered by allowed_actions")
    if rule is None:
        # The action does not exist in this state: the message names the state and what can
        # be done in it.
        expected = [f"«{STATE_LABELS[State(state)]}»"]
        expected += [str(ACTION_LABELS[Action(a)]) for (s, a) in SPEC if s == state]
    else:
        # The action exists but not for this role: the message names who may do it, the
        # action, and who the user is.
        who = ROLE_LABELS[Role(role)] if role else "người dùng này"
        expected = ["Chỉ ", str(ACTION_LABELS[Action(action)]), f"(bạn là {who})"]
        expected += [str(ROLE_LABELS[Role(r)]) for r in rule[0]]
    missing = [text for text in expected if text not in message]
    if missing:
        problems.append(f"{where}: message «{message}» lacks {missing}")
    if not message.endswith("."):
        problems.append(f"{where}: message «{message}» is not a sentence")
    return problems


@pytest.mark.parametrize("state", [s.value for s in State])
def test_every_action_and_role_in_each_state_moves_or_is_refused_as_specified(state):
    # Checked in a loop per state (15 actions × 7 roles): the table is exhaustive without
    # hundreds of separate test items; each problem names its combination.
    problems = [
        problem
        for action, role in itertools.product([a.value for a in Action], ROLES)
        for problem in _check(state, action, role)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("state", [s.value for s in State])
@pytest.mark.parametrize("role", ROLES)
def test_allowed_actions_are_exactly_the_legal_ones_in_table_order(state, role):
    expected = [
        Action(action)
        for (s, action), (roles, _target) in SPEC.items()
        if s == state and role in roles
    ]
    assert allowed_actions(state, role) == expected


@pytest.mark.parametrize("action", [a.value for a in Action])
def test_roles_for_an_action_are_those_allowed_in_some_state(action):
    expected = set().union(*(roles for (_s, a), (roles, _t) in SPEC.items() if a == action))
    assert {role.value for role in roles_for(action)} == expected


def test_an_unknown_state_action_or_role_is_a_programming_error_not_a_refusal():
    with pytest.raises(ValueError, match="'lost' is not a valid State"):
        next_state("lost", "submit", "head")
    with pytest.raises(ValueError, match="'teleport' is not a valid Action"):
        next_state("draft", "teleport", "head")
    with pytest.raises(ValueError, match="'janitor' is not a valid Role"):
        next_state("draft", "submit", "janitor")
