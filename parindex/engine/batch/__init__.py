"""The batch engine: every unit of a group scored at once, exactly, in fixed-point integers.

Three steps, each over NumPy arrays with one column per unit:

1. `encode_inputs(framework, inputs_by_unit) -> GroupInputs` (`inputs.py`): the one pass in
   Python. Every entry goes through its rule's `read` (the same checks as `Rule.score`, the
   same error messages), and what it holds becomes integers: an option's position, a rate's
   numerator and denominator (both scaled by the same power of ten), a count, yes/no, typed
   points at the group's scale. Done once when entries are loaded; a simulation then changes
   cells with `GroupInputs.set` (or a copy of it) and scores again.
2. `score_group(framework, inputs) -> GroupScores` (`scores.py`): the rules' integer kernels
   (`kernels.py`), the evidence rule, parents level by level (`np.add.reduceat` over each
   level's children; the best child of alternatives with `np.maximum.reduceat`; bonus and
   penalty groups capped), totals and the index. Nothing here builds a string or a `Decimal`.
3. `rank_scores(scores) -> GroupRanks` (`ranks.py`: competition ranks "1224" of the totals
   and of every area, classes from the published index) and `compare_scores(current,
   previous)` (`comparison.py`: year over year, every unit at once).

Underneath: `layout.py` lays a framework out for arrays once (node rows level by level,
leaves grouped by rule kind, the caches), `rule_parameters.py` turns its rules' figures into
the integer columns each kernel reads at one scale, `integers.py` holds the array types and
the int64 limit.

Scale. A group's figures are integers at scale `10**k`, `k` = the framework's `points_places`
or more: enough decimals for every maximum, option, band, deduction and typed point of the
framework and its entries (`GroupInputs.scale`, 4 for most frameworks). Sums at that scale are
exact. A computed rule result is rounded half-up in integers to `points_places` exactly as
`Rule.score` rounds its `Decimal`: `ratio` points are `max × min(rate, ceiling) / ceiling`,
i.e. one integer quotient `q, r = divmod(num, den)` rounded up when `2r >= den`. The index is
`total × 100 / max_total` rounded half-up to `index_places` the same way. The one place where
`Decimal` and exact arithmetic can part is a ratio whose exact points sit exactly halfway
between two roundings while the rate itself does not terminate (1/24 of 0,75): `Decimal`
rounds the rate to 28 digits first and can tip either way, so those cells (rare) are scored
through `RatioRule.points_for`, the published arithmetic, and cached. Figures that cannot
overflow 2**62 use int64; larger ones (extreme scales or counts) use Python integers in
object arrays, with the same code.

The `Decimal` edge. `unit_results(scores)` (parindex/engine/scoring.py) turns a group's
integers into the public `UnitResult`/`NodeResult` with the same values *and* the same
`Decimal` exponents as the per-unit `Decimal` arithmetic gave (1.50 stays 1.50): the
exponents are tracked lazily (`GroupScores.details`), and each node's explanation is written
only when that node is read, so a simulation never pays for strings.
"""

from .comparison import GroupComparison, compare_scores
from .inputs import ANSWERED, INVALID, UNANSWERED, GroupInputs, encode_inputs, values_key
from .ranks import GroupRanks, class_index, competition_rank, rank_scores
from .scores import Details, GroupScores, score_group

__all__ = [
    "ANSWERED",
    "INVALID",
    "UNANSWERED",
    "Details",
    "GroupComparison",
    "GroupInputs",
    "GroupRanks",
    "GroupScores",
    "class_index",
    "compare_scores",
    "competition_rank",
    "encode_inputs",
    "rank_scores",
    "score_group",
    "values_key",
]
