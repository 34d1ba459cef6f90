"""The job tests: their job kinds registered, and a clean list of the functions that ran."""

from __future__ import annotations

import pytest

from parindex.jobs import runner

from . import kinds


@pytest.fixture(autouse=True)
def ran() -> list[int]:
    kinds.RAN.clear()
    return kinds.RAN


@pytest.fixture
def run_check():
    """Install a run check for one test, then the policy's again."""
    installed = runner._run_check

    def install(check):
        runner.set_run_check(check)

    yield install
    runner.set_run_check(installed)


@pytest.fixture
def db_backend(settings):
    """Django's tasks through the database backend (django-tasks-db), with no worker running."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def administrator(django_user_model):
    """The platform's administrator role (the policy reads the role, not Django's flags)."""
    return django_user_model.objects.create_user(username="quantri", role="admin")
