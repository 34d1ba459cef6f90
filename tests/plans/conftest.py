# The web tests' small province and the results tests' scored 2025 group serve here too.
from tests.results.helpers import _fresh_caches, scored  # noqa: F401 - fixtures used by name
from tests.web.conftest import login, province  # noqa: F401 - fixtures used by name
