"""The whole suite's markers, applied here so that nobody has to remember them.

- `db`: the test uses the database. Set automatically on every test that asks for a database
  fixture (directly or through another fixture) or carries `django_db`.
- `browser`: drives Chromium (set by the browser test modules themselves, and here on
  everything under tests/browser/).
- `slow`: among the slowest tests, left out of `make check`'s fast loop.

"Pure" tests are `not db and not browser`: `make check` runs them (without the slow ones).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The golden-file helper's asserts get pytest's detailed comparison like a test's own.
pytest.register_assert_rewrite("tests.golden")

DB_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_setup",
        "client",
        "admin_client",
        "admin_user",
        "live_server",
    }
)
BROWSER_FOLDER = Path(__file__).parent / "browser"


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, one data folder per worker.

    tests/settings.py gives each process a throwaway PARINDEX_DATA_DIR through the environment,
    and the workers inherit the controller's environment: they would all share its folder
    (uploads, data stores) and see each other's files. The controller runs no test, so it
    forgets its folder before starting the workers, and each worker makes its own. A folder
    the developer chose (PARINDEX_DATA_DIR set before pytest started) is kept.
    """
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    folder = Path(os.environ.get("PARINDEX_DATA_DIR", "/"))
    if folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("parindex-tests-"):
        del os.environ["PARINDEX_DATA_DIR"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & DB_FIXTURES or item.get_closest_marker("django_db") is not None:
            item.add_marker(pytest.mark.db)
        if BROWSER_FOLDER in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _jobs_queue_inside_the_test_transaction(request: pytest.FixtureRequest, monkeypatch) -> None:
    """A test's database transaction is rolled back, never committed, so a job queued "after
    commit" would never run: in tests it is queued at once, as if the request had committed.
    Tests about the commit itself opt out with `@pytest.mark.real_commit`."""
    if request.node.get_closest_marker("real_commit") is not None:
        return
    from parindex.jobs import runner

    monkeypatch.setattr(runner, "enqueue_after_commit", lambda enqueue: enqueue())


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A test that switches to English (a request with the language cookie, or `activate`)
    must not leave the next test on the same worker in English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
