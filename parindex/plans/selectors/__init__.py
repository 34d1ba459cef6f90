"""Reads of the planning pages, one module per question (docs/planning.md, "In the web"):

- `data`: a group's entries as engine inputs and their ranking, cached per entries version;
- `sources`: monthly dossier rates of the units, the survey's estimates with intervals;
- `effort`: the effort model of a unit's plan (costs per point, feasible ceilings);
- `planner`: the least-effort plan of a unit, and its rows as plain values;
- `whatif`: scenario changes read and applied to copies, the group re-scored by the batch engine;
- `uncertainty`: what the Monte Carlo draws, the version it is valid for, the stored intervals;
- `projection`: the year-end projection of a group and its backtest;
- `sensitivity`: the framework's sensitivity, cached.

They take no user: `parindex.policy` decides who may see what.
"""
