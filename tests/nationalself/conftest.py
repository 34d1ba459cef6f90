# The web tests' small province (units, personas, two framework years, periods) serves here too.
from tests.web.conftest import login, province  # noqa: F401
