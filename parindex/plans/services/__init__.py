"""Writes of the planning pages, each audited where it records something a person decided:
`plans` (saved plans, a row made a task, the effort settings, the Excel export), `scenarios`
(what-if, audited as "scenario"), `monitoring` (rank intervals, projections and early warnings,
the monthly refresh, a warning made a task)."""
