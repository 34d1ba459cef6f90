"""Every permission decision of the platform, in one place.

- `can(user, capability)` answers role-wide questions (may this user manage units?).
- The `*_for(user, pk, write=…)` helpers answer object questions: each returns the object
  or raises `Http404` (the user may not know it exists) or `PermissionDenied` (the user may
  see it but not change it).
- The `visible_*` functions scope lists: they take the user and a queryset (or rows) and
  return what the user may see.
- The `may_*` functions answer "may this user do this to this object now" for pages and
  templates (buttons, edit modes); the workflow table (`assessments.workflow`) is the rule
  book they read for assessments.

The package sits above the apps it decides for (it reads their models and selectors) and
below the web layer; services trust their callers, so every page, command or API endpoint
that calls a service asks here first. The import-linter contract in `pyproject.toml`
keeps the order.

The modules split the decisions by subject (capabilities, accounts, objects, jobs, plans,
national_self, lists, assessments, api); everything is imported here, and callers use
`parindex.policy` only.
"""

from parindex.policy.accounts import (
    two_factor_required,
    two_factor_reset_for,
    two_factor_step,
)
from parindex.policy.api import (
    api_token_for,
    may_issue_token,
    token_allows,
)
from parindex.policy.assessments import (
    acting_role,
    appraisal_edit_state,
    explanation_edit_state,
    is_member,
    may_act,
    may_see_appraisal,
    self_edit_state,
    state_actions,
    visible_assessments,
)
from parindex.policy.capabilities import (
    CAPABILITIES,
    TWO_FACTOR_ROLES,
    can,
    require,
)
from parindex.policy.jobs import (
    dossier_job_for,
    job_for,
    job_may_run,
)
from parindex.policy.lists import (
    dossier_unit_code,
    may_view_previous_year,
    visible_frameworks,
    visible_result_periods,
    visible_survey_units,
    visible_surveys,
    visible_units,
)
from parindex.policy.national_self import (
    may_contribute,
    may_send_contribution,
    national_evidence_for,
    national_node_codes,
    national_node_for,
    national_package_for,
    national_self_for,
    visible_national_selves,
)
from parindex.policy.objects import (
    assessment_for,
    evidence_for,
    framework_for,
    may_draft_self_report,
    may_ever,
    may_report_progress,
    may_view_results,
    notification_for,
    period_for,
    result_group_for,
    result_period_for,
    survey_for,
    task_evidence_for,
    task_for,
    unit_for,
    user_for,
    visible_tasks,
)
from parindex.policy.plans import (
    may_plan,
    may_save_plan,
    may_view_plan,
    plan_for,
    plan_unit_for,
    projection_group_for,
    scenario_for,
    scenario_group_for,
    sensitivity_group_for,
    visible_plans,
    visible_warnings,
    warning_for,
)

__all__ = [
    "CAPABILITIES",
    "TWO_FACTOR_ROLES",
    "acting_role",
    "api_token_for",
    "appraisal_edit_state",
    "assessment_for",
    "can",
    "dossier_job_for",
    "dossier_unit_code",
    "evidence_for",
    "explanation_edit_state",
    "framework_for",
    "is_member",
    "job_for",
    "job_may_run",
    "may_act",
    "may_contribute",
    "may_draft_self_report",
    "may_ever",
    "may_issue_token",
    "may_plan",
    "may_report_progress",
    "may_save_plan",
    "may_see_appraisal",
    "may_send_contribution",
    "may_view_plan",
    "may_view_previous_year",
    "may_view_results",
    "national_evidence_for",
    "national_node_codes",
    "national_node_for",
    "national_package_for",
    "national_self_for",
    "notification_for",
    "period_for",
    "plan_for",
    "plan_unit_for",
    "projection_group_for",
    "require",
    "result_group_for",
    "result_period_for",
    "scenario_for",
    "scenario_group_for",
    "self_edit_state",
    "sensitivity_group_for",
    "state_actions",
    "survey_for",
    "task_evidence_for",
    "task_for",
    "token_allows",
    "two_factor_required",
    "two_factor_reset_for",
    "two_factor_step",
    "unit_for",
    "user_for",
    "visible_assessments",
    "visible_frameworks",
    "visible_national_selves",
    "visible_plans",
    "visible_result_periods",
    "visible_survey_units",
    "visible_surveys",
    "visible_tasks",
    "visible_units",
    "visible_warnings",
    "warning_for",
]
