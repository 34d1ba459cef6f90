"""The demo's national self-assessment: a finished example year with its package sent and its
example appraised result compared, and a year in progress with late departments and a linked
pre-survey; everything labelled as example data."""

from __future__ import annotations

import hashlib

import pytest
from django.db import transaction
from django.utils import timezone

from parindex.demo.loader import load_demo
from parindex.nationalself import selectors
from parindex.nationalself.comparison import comparison
from parindex.nationalself.estimate import survey_estimate
from parindex.nationalself.models import NationalSelfAssessment, PackageState, SelfState
from parindex.tasks.models import Task, TaskSource

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(log=lambda _message: None)
        yield
        transaction.set_rollback(True)


def test_the_finished_example_year_was_sent_and_compared(demo):
    finished = NationalSelfAssessment.objects.get(year=2022)
    assert finished.is_example
    assert finished.state == SelfState.SENT
    package = finished.packages.get()
    assert package.state == PackageState.SENT
    with package.archive.open("rb") as stream:
        assert hashlib.sha256(stream.read()).hexdigest() == package.archive_sha256
    assert len(package.manifest) > 40
    compared = comparison(finished)
    assert compared is not None
    assert compared.result.is_example
    assert "VÍ DỤ" in compared.result.source
    assert compared.appraised_total is not None
    categories = {row.category for row in compared.leaves if row.lost}
    assert {"no_evidence", "late", "survey"} <= categories
    assert compared.quick_wins
    task = Task.objects.get(source_kind=TaskSource.NATIONAL)
    assert task.node_codes == [compared.quick_wins[0].code]


def test_the_year_in_progress_has_late_departments_and_an_estimate(demo):
    current = NationalSelfAssessment.objects.get(year=2025)
    assert current.is_example
    assert current.state == SelfState.COLLECTING
    board = selectors.progress_board(current, timezone.localdate())
    late = {line.label for line in board.departments if line.counts.late}
    assert late == {"Sở Tư pháp", "Sở Khoa học và Công nghệ"}
    assert board.total.done
    assert board.total.waiting
    assert board.total.returned
    assert len({line.label for line in board.departments}) >= 6
    outcome = survey_estimate(current)
    assert outcome is not None
    assert outcome.estimate is not None
    assert outcome.estimate.points_low <= outcome.estimate.points <= outcome.estimate.points_high
