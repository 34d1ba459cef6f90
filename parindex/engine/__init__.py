"""The pure scoring engine: frameworks, rules, scoring, ranking, comparison, headroom.

Nothing in this package does I/O or imports Django (NumPy is its one dependency); a test
enforces it.

Two ways in, one arithmetic (exact fixed-point integers, see `batch/` and
docs/architecture.md, "Numbers and rounding"):

- Pages and reports read `Decimal` results: `score_unit(framework, unit, inputs)` →
  `UnitResult`, `rank_group(results)` → `GroupRanking`, `compare_unit(...)` → `Comparison`,
  and the headroom functions. For a whole group, `unit_results(score_group(framework,
  inputs_by_unit))` scores every unit at once.
- Simulations (planner, Monte Carlo, what-if) stay in integer arrays and call, thousands
  of times:

      inputs = encode_inputs(framework, inputs_by_unit)     # once: entries → integers
      inputs.set(unit, code, NodeInput({...}))              # a what-if change (checked)
      scores = score_group(framework, inputs)               # GroupScores: nodes × units
      ranks = rank_scores(scores)                           # GroupRanks: ranks, classes
      change = compare_scores(ranks, rank_scores(last_year_scores))  # GroupComparison

  Figures there are integers at `scores.scale` (figure × 10**scale; the index at
  10**index_places); `unit_results(scores)` turns them into `Decimal` results when needed.
"""

from .batch import (
    GroupComparison,
    GroupInputs,
    GroupRanks,
    GroupScores,
    class_index,
    compare_scores,
    competition_rank,
    encode_inputs,
    rank_scores,
    score_group,
)
from .comparison import Comparison, NodeChange, compare_unit, previous_codes_for
from .errors import EngineError, FrameworkError, Problem, RuleInputError, RuleParameterError
from .headroom import (
    HeadroomItem,
    area_headroom,
    node_headroom,
    points_to_next_class,
    points_to_next_rank,
    points_to_rank,
)
from .model import (
    SUBMISSION_CASES,
    ClassBand,
    Framework,
    FrameworkInfo,
    FrameworkSpec,
    Node,
    NodeSpec,
    SubmissionPoints,
    build_framework,
    check_previous_codes,
    framework_to_spec,
)
from .numbers import format_number, format_percent, format_signed, round_half_up, to_decimal
from .ranking import GroupRanking, classify, competition_ranks, rank_group
from .rules import RULES, InputField, Outcome, Rule, make_rule
from .scoring import (
    InputProblem,
    NodeInput,
    NodeResult,
    UnitResult,
    score_unit,
    unit_result,
    unit_results,
)

__all__ = [
    "RULES",
    "SUBMISSION_CASES",
    "ClassBand",
    "Comparison",
    "EngineError",
    "Framework",
    "FrameworkError",
    "FrameworkInfo",
    "FrameworkSpec",
    "GroupComparison",
    "GroupInputs",
    "GroupRanking",
    "GroupRanks",
    "GroupScores",
    "HeadroomItem",
    "InputField",
    "InputProblem",
    "Node",
    "NodeChange",
    "NodeInput",
    "NodeResult",
    "NodeSpec",
    "Outcome",
    "Problem",
    "Rule",
    "RuleInputError",
    "RuleParameterError",
    "SubmissionPoints",
    "UnitResult",
    "area_headroom",
    "build_framework",
    "check_previous_codes",
    "class_index",
    "classify",
    "compare_scores",
    "compare_unit",
    "competition_rank",
    "competition_ranks",
    "encode_inputs",
    "format_number",
    "format_percent",
    "format_signed",
    "framework_to_spec",
    "make_rule",
    "node_headroom",
    "points_to_next_class",
    "points_to_next_rank",
    "points_to_rank",
    "previous_codes_for",
    "rank_group",
    "rank_scores",
    "round_half_up",
    "score_group",
    "score_unit",
    "to_decimal",
    "unit_result",
    "unit_results",
]
