"""Writes of the assessment workflow. Each service checks the transition table, the
deadline and the entry's version, writes, audits, and notifies.

Who may call a service on which assessment is decided before, by `parindex.policy` (a unit
user reaches only their own unit's assessment); the services trust that and keep the
workflow's rules (state × action × role) and the data's invariants.

Optimistic locking: every edit carries the version it was based on; an update whose
version is stale is refused with `StaleEdit`, naming who changed the entry and what,
so that no update is ever silently lost.

Times: services that depend on a deadline take `now` (default: the current time) so
that tests and imports can state the moment they act at.

- `entries`: the unit's self-assessment, the appraiser's score, system-computed values;
- `evidence`: uploads and citations of evidence documents;
- `explanations`: explanation rounds (request, answers, sending them back);
- `transitions`: opening, submitting and the plain state changes of an assessment;
- `publication`: the council's approval of a group, publication, amendments;
- `notifications`: in-application and e-mail notifications;
- `shared`: the steps the others share (transitions with locking, deadlines, saving entries).

Refusals are `parindex.assessments.errors.WorkflowError` and its subclasses.
"""
