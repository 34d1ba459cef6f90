"""The web tests' personas and small province, with a service-data store of the test's own."""

from tests.web.conftest import login, province  # noqa: F401 - fixtures used by name

from .fixtures import *  # noqa: F403 - fixtures defined beside the helpers
