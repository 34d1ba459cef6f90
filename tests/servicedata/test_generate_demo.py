from __future__ import annotations

from pathlib import Path

import duckdb

from parindex.servicedata import (
    Store,
    WorkingCalendar,
    import_dossiers,
    load_reference,
    resolve_mapping,
)
from parindex.servicedata.generate_demo import write_demo_files
from parindex.servicedata.reference import data_path


def generate(out: Path, seed: int = 1) -> list[Path]:
    return write_demo_files(
        reference=load_reference(),
        calendar=WorkingCalendar.default(),
        year=2025,
        dossiers=300,
        out=out,
        seed=seed,
        with_errors=True,
    )


def test_the_shipped_samples_are_what_the_generator_makes(tmp_path: Path) -> None:
    for path in generate(tmp_path):
        assert path.read_bytes() == (data_path("samples") / path.name).read_bytes(), path.name


def test_another_seed_gives_other_dossiers(tmp_path: Path) -> None:
    first = generate(tmp_path / "a")[0].read_bytes()
    second = generate(tmp_path / "b", seed=2)[0].read_bytes()
    assert first != second


def test_deadlines_the_importer_computes_match_the_generated_ones(tmp_path: Path) -> None:
    """The generic sample leaves every fifth deadline out; the vendor one has them all."""
    reference, calendar = load_reference(), WorkingCalendar.default()
    samples = data_path("samples")
    stores = {}
    for name, mapping in (("generic", "generic"), ("vendor_style", "vendor_vnpt_style")):
        stores[name] = Store(tmp_path / name)
        result = import_dossiers(
            samples / f"dossiers_2025_{name}.csv",
            resolve_mapping(mapping),
            store=stores[name],
            reference=reference,
            calendar=calendar,
        )
        assert result.reconciles
        assert result.rejected == 3
    computed = stores["generic"].active_records_sql("dossiers")
    given = stores["vendor_style"].active_records_sql("dossiers")
    rows = duckdb.sql(
        f"SELECT c.deadline_at = g.deadline_at FROM {computed} AS c JOIN {given} AS g "
        "USING (dossier_code) WHERE c.deadline_computed"
    ).fetchall()
    assert len(rows) == 60
    assert all(same for (same,) in rows)
