"""Winning points back in the web: saved rank-gain plans, what-if scenarios, rank intervals,
year-end projections and early warnings, on top of the pure `parindex.planning` (docs/planning.md)."""
