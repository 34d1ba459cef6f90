"""The pure scoring engine: frameworks, rules, scoring, ranking, comparison, headroom.

Nothing in this package does I/O or imports Django; a test enforces it.
"""

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
    ClassBand,
    Framework,
    FrameworkInfo,
    FrameworkSpec,
    Node,
    NodeSpec,
    build_framework,
    check_previous_codes,
    framework_to_spec,
)
from .numbers import format_number, format_percent, format_signed, round_half_up, to_decimal
from .ranking import GroupRanking, classify, competition_ranks, rank_group
from .rules import RULES, InputField, Outcome, Rule, make_rule
from .scoring import InputProblem, NodeInput, NodeResult, UnitResult, score_unit

__all__ = [
    "RULES",
    "ClassBand",
    "Comparison",
    "EngineError",
    "Framework",
    "FrameworkError",
    "FrameworkInfo",
    "FrameworkSpec",
    "GroupRanking",
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
    "UnitResult",
    "area_headroom",
    "build_framework",
    "check_previous_codes",
    "classify",
    "compare_unit",
    "competition_ranks",
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
    "round_half_up",
    "score_unit",
    "to_decimal",
]
