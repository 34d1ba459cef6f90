"""Survey scoring: weighted satisfaction rates, node points through the engine, and intervals.

For a respondent i and a node k, the respondent's score is the weighted mean of
the shares (0..1) of the node's questions they answered with a scored choice:
`x_ik = Σ w_q s_iq / Σ w_q`. Within a unit u and respondent group g the rate is
the plain mean over the valid responses, `m_ugk`; across groups it is the
weighted average of the group means, `r_uk = Σ_g W_g m_ugk / Σ_g W_g`, the sum
running over the groups that have answers (their weights are re-normalised and
the unit is flagged when a group is missing). The rate in percent, rounded
half-up to 2 decimals, goes through the node's rule in the engine (`ratio` or
`bands`), which gives the official points exactly (Decimal).

Uncertainty: groups are independent strata. The variance of `m_ugk` is
`s²_ugk / n_ugk` (sample variance; 0,25, the largest a 0..1 score can have, when
n = 1), with covariances between nodes from the pairwise-complete answers
(`n_ab s_ab / (n_a n_b)`), times the finite-population factor when the group's
population is known. Two methods turn this into an interval of the unit's
survey points (the sum of its nodes' points), both seeded:

- `normal` (default): the vector of node rates is approximately normal with
  that covariance (`Σ_g W_g² Cov(m_ug)`); `resamples` draws of it are pushed
  through the node rules, and the interval is the percentile interval of the
  summed points. The rate intervals are the analytic `r ± z · se`.
- `bootstrap`: respondents are resampled with replacement within each stratum
  (`resamples` times), rates and points recomputed, percentile intervals. Exact
  for small samples, but its cost grows with the number of responses.

A unit is flagged when its interval spans two classes (on the index when the
other points are given, else on the survey sub-index = survey points ÷ survey
maximum), when it overlaps the interval of the unit ranked next to it, when it
has fewer than `min_sample` valid responses, or when a node or group is missing.

Modules: `results` (what scoring gives), `points` (framework checks, official points, the
rules as float functions), `strata` (pooled scores and per-stratum moments), `intervals`
(the simulation), `estimates` (`score_survey`, ranks and flags).
"""

from parindex.surveys.scoring.estimates import METHODS, score_survey
from parindex.surveys.scoring.points import (
    SURVEY_RULES,
    framework_problems,
    official_points,
    simulate_rule,
)
from parindex.surveys.scoring.results import (
    NodeEstimate,
    ScoringOptions,
    SurveyResults,
    UnitEstimate,
    UnitFlag,
)

__all__ = [
    "METHODS",
    "SURVEY_RULES",
    "NodeEstimate",
    "ScoringOptions",
    "SurveyResults",
    "UnitEstimate",
    "UnitFlag",
    "framework_problems",
    "official_points",
    "score_survey",
    "simulate_rule",
]
