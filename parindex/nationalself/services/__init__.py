"""Writes of the national self-assessment, one module per responsibility: `setup` (the year,
its checklist, the assignments, the pre-survey), `contributions` (figures, evidence, sending,
review, consolidation), `package` (the report and the evidence archive, sending them),
`appraised` (the Ministry's result, tasks from its gaps), `daily` (reminders). Every service
validates, saves and audits; none decides permissions (`parindex.policy` does, before)."""
