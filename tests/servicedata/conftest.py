from __future__ import annotations

from pathlib import Path

import pytest

from parindex.servicedata import (
    ImportResult,
    Reference,
    Store,
    WorkingCalendar,
    import_dossiers,
    load_reference,
    resolve_mapping,
)

from .helpers import FIXTURE_ROWS, write_generic, write_reference


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.default()


@pytest.fixture
def reference(tmp_path: Path) -> Reference:
    return load_reference(*write_reference(tmp_path))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


@pytest.fixture
def import_file(store: Store, reference: Reference, calendar: WorkingCalendar):
    def run(path: Path, mapping: str = "generic", **options: object) -> ImportResult:
        return import_dossiers(
            path,
            resolve_mapping(mapping),
            store=store,
            reference=reference,
            calendar=calendar,
            **options,
        )

    return run


@pytest.fixture(scope="session")
def fixture_store(
    tmp_path_factory: pytest.TempPathFactory, calendar: WorkingCalendar
) -> tuple[Store, Reference]:
    """The hand-computed fixture, imported once for the indicator tests."""
    folder = tmp_path_factory.mktemp("fixture")
    reference = load_reference(*write_reference(folder))
    store = Store(folder / "store")
    result = import_dossiers(
        write_generic(folder / "fixture.csv", FIXTURE_ROWS),
        resolve_mapping("generic"),
        store=store,
        reference=reference,
        calendar=calendar,
    )
    assert (result.read, result.imported, result.rejected) == (12, 12, 0)
    return store, reference


def pytest_configure(config: pytest.Config) -> None:
    # Registered here: the project's pytest configuration belongs to another part of the tree.
    config.addinivalue_line(
        "markers",
        "scale: the indicator statements on Spark SQL and PostgreSQL against DuckDB "
        "(skipped without pyspark and Java, or without a reachable DATABASE_URL); `make scale-test`",
    )
