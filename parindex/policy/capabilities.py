"""The capability table: which roles may do what, province-wide (`can`, `require`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from parindex.accounts.roles import PROVINCIAL_ROLES, UNIT_ROLES, Role

_ALL: frozenset[Role] = frozenset(Role)
_HOME_AFFAIRS: frozenset[Role] = frozenset({Role.ADMIN, Role.APPRAISER})
_PROVINCIAL = PROVINCIAL_ROLES
_ADMIN: frozenset[Role] = frozenset({Role.ADMIN})

CAPABILITIES: dict[str, frozenset[Role]] = {
    "units.view_all": _PROVINCIAL,
    "units.manage": _ADMIN,
    "users.manage": _ADMIN,
    "frameworks.view": _ALL,
    "frameworks.view_drafts": _HOME_AFFAIRS | {Role.COUNCIL},
    "frameworks.manage": _HOME_AFFAIRS,
    "frameworks.publish": _ADMIN,
    "periods.view": _ALL,
    "periods.manage": _HOME_AFFAIRS,
    "periods.view_extensions": _PROVINCIAL,
    "audit.view": _ADMIN,
    "assessments.view_all": _PROVINCIAL,
    # A unit's own staff fill in its self-assessment (and have a "my unit" page).
    "assessments.self_assess": UNIT_ROLES,
    "assessments.appraise": frozenset({Role.APPRAISER}),
    "assessments.approve": frozenset({Role.COUNCIL}),
    "assessments.publish": _ADMIN,
    "results.view_unpublished": _PROVINCIAL,
    # Sociological surveys: Home Affairs runs them, the council and leaders read every unit's
    # progress and results, unit users their own unit's; unit users also type paper forms.
    "surveys.view": _ALL,
    "surveys.view_all": _PROVINCIAL,
    "surveys.manage": _HOME_AFFAIRS,
    "surveys.enter": _HOME_AFFAIRS | UNIT_ROLES,
    # Service data (dossiers of the one-stop shops): every user sees indicators (unit users
    # their own unit's only), provincial roles every unit's and the drill-down; Home Affairs
    # imports files and writes the data-scored criteria into the assessments.
    "dossiers.view": _ALL,
    "dossiers.view_all": _PROVINCIAL,
    "dossiers.manage": _HOME_AFFAIRS,
    "admin.site": _ADMIN,
    # Every background job's page is open to an administrator, whoever started it.
    "jobs.view_all": _ADMIN,
    # Tasks (giao việc): Home Affairs creates and assigns them; the assigned unit's staff report
    # progress (`may_report_progress`); provincial roles read all, unit users their own unit's;
    # the overdue board is for Home Affairs and the province's leaders.
    "tasks.view": _ALL,
    "tasks.view_all": _PROVINCIAL,
    "tasks.manage": _HOME_AFFAIRS,
    "tasks.board": _HOME_AFFAIRS | {Role.LEADER},
    # The province's documents (decision, results report, improvement plan) are drafted by
    # Home Affairs; a unit's self-assessment report by its own staff (`may_draft_self_report`).
    "documents.province": _HOME_AFFAIRS,
    # The national PAR INDEX position: provincial roles read it, Home Affairs imports tables.
    "national.view": _PROVINCIAL,
    "national.manage": _HOME_AFFAIRS,
    # REST API tokens: every user may hold personal tokens (acting with their own rights);
    # administrators issue tokens for system accounts and see and revoke every token.
    "api.tokens": _ALL,
    "api.tokens.manage": _ADMIN,
    # Winning points back (docs/planning.md). Every unit's planner, saved plans, projections
    # and early warnings: appraisers, leaders and administrators; a unit's own staff see their
    # unit's (`may_plan`). Home Affairs saves plans for any unit, turns rows and warnings into
    # tasks, runs the monthly refresh and sets the effort defaults per framework. Scenarios
    # (what-if) are the province's analyses: provincial roles read them, Home Affairs writes
    # them. The framework's sensitivity is Home Affairs' question.
    "plans.view_all": frozenset({Role.APPRAISER, Role.LEADER, Role.ADMIN}),
    "plans.manage": _HOME_AFFAIRS,
    "plans.scenarios": _PROVINCIAL,
    "plans.scenarios.manage": _HOME_AFFAIRS,
    "plans.sensitivity": _HOME_AFFAIRS,
    # Two-factor sign-in: everyone may set up an authenticator app for their own account
    # (`two_factor_required` says who must); administrators reset another user's (a lost phone).
    "account.two_factor": _ALL,
    "users.two_factor_reset": _ADMIN,
    # The province's own national self-assessment (docs/national-self-assessment.md): Home
    # Affairs sets it up, assigns, reviews, consolidates, sends and imports the Ministry's
    # result; provincial roles read all of it; a department's staff see and edit only the
    # sub-criteria assigned to their department (`national_node_codes`, `may_contribute`).
    "nationalself.view": _ALL,
    "nationalself.view_all": _PROVINCIAL,
    "nationalself.manage": _HOME_AFFAIRS,
}


# The roles that must sign in with a second factor when PARINDEX_REQUIRE_2FA is on: those who
# change the whole province's data (administration, appraisal, the council's approval).
TWO_FACTOR_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.APPRAISER, Role.COUNCIL})


def can(user: Any, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]


def require(user: Any, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied
