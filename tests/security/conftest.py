"""The security suite reuses the web tests' small province and personas, and the survey tests'
place and survey builder (never both in one test: each makes its own units)."""

from tests.questionnaires.conftest import make_survey, place  # noqa: F401 - fixtures used by name
from tests.web.conftest import login, province, stub_pdf_renderer  # noqa: F401
