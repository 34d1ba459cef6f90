"""Sociological surveys in the web platform (điều tra xã hội học).

The survey core (`parindex.surveys`, docs/surveys.md) reads XLSForm questionnaires, checks
responses, flags doubtful ones and scores them with intervals. This app puts it in the
database and on pages:

- `Survey`: one questionnaire scoring the survey-sourced nodes of one framework in one
  period; its units are the members of the period's groups that use that framework.
  Draft → open (collecting) → closed (and reopened if needed), audited.
- Questionnaire: an uploaded XLSForm, checked like ODK/Kobo do (pyxform) and against the
  framework (each `node` a survey-sourced leaf scored by `ratio`, `bands` or `manual`),
  errors at their cell (`phieu.xlsx!survey!F12`). Its unit list may be replaced by the
  period's units. Exported back as XLSForm for the field tools.
- Sampling: targets per unit and respondent group (grid or CSV `unit, respondent_group,
  target[, population]`); progress = valid responses against targets, with the margin of
  error of each unit's sample at the survey's confidence level.
- Collection, four channels, one `Response` shape (answers keyed by field name, as an
  ODK export row):
  * `/s/<token>/`: a one-time invitation for one unit and group; the token is random
    (192 bits), only its SHA-256 is stored, so links are shown (and downloadable as CSV)
    once, at creation; a used, expired or unknown token is refused with a clear message;
  * `/s/open/<survey>/` (`?unit=CODE` fixes the unit): when enabled, at most
    `open_link_rate_limit` responses an hour per source, the source being a salted hash
    of the client's address (the browser string is the sender's to change); a honeypot field
    catches simple bots;
  * staff entry of paper forms (Home Affairs for any unit, a unit officer or head for
    their own), marked with who typed it; the paper number catches a form typed twice;
  * ODK/KoboToolbox CSV/XLSX/ZIP exports: every row checked, one bad row stops the import
    (unless asked to skip bad rows), re-imports count submissions already stored; an edited
    submission (Central: same KEY, new instanceID) replaces its stored version in place,
    audited (`Response.version_id`); repeat groups are stored with the response
    (`Response.repeats`), shown and exported, never asked on the web form.
  The public pages speak Vietnamese, or English with `?lang=en` (the link on the page).
- Integrity: `services.review.survey_check` runs the core's rules over all responses and stores
  flags and status; an appraiser excludes or reinstates a response with a reason
  (`ResponseReview`, append-only, also in the audit trail); nothing is deleted. Results
  always recompute flags and decisions, so they never depend on a stale check.
- Results: rates per node weighted across groups, official points through the framework's
  rules, intervals and flags, per unit; unit users see their own unit only.
- Feed: `services.feed.survey_apply` writes each unit's survey nodes into its assessment through
  `assessments.services.entries.entry_set_system_value`, with the provenance (survey, sample per
  group, rate, interval, time, a one-line summary); approved or published assessments are
  left alone and listed.
- Export: an anonymised CSV (no submission id, source, exact time or `personal` answer;
  ids replaced by a keyed hash) with whether each response counts.

Permissions are decided in `parindex.policy` (`survey_for`, `surveys.*`).
`demo.load_demo_survey` builds the demo province's survey (generated data).
"""
