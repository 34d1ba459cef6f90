"""Writes of the survey platform. Every write is audited.

- `questionnaire`: surveys and their questionnaires (XLSForm upload, checks, export, state);
- `targets`: sampling targets per unit and respondent group;
- `collection`: invitations, the public form (invitation or open link), staff entry;
- `imports`: responses from ODK/KoboToolbox exports;
- `review`: integrity checks over all responses, exclusion and reinstatement;
- `feed`: survey scores into the assessments;
- `files`: uploaded file names and problem locations, shared by the above.

File inputs are checked completely before anything is written; their errors name the
file and the sheet and cell (questionnaires) or the row and column (responses, targets).
Refusals are `parindex.questionnaires.errors.QuestionnaireError` and its kin.
"""
