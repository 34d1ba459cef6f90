"""The web tests' personas and small province, and the results tests' scored data."""

from tests.web.conftest import login, province  # noqa: F401 - fixtures used by name

from .helpers import *  # noqa: F403 - fixtures defined beside the helpers
