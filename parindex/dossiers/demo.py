"""The demo province's service data: a year of GENERATED dossiers and feeds, imported as the
web platform imports them, then the data-scored criteria filled from them.

    load_demo_dossiers(log)      # after the demo province (`parindex.demo.loader`) is loaded

Dossiers come from `parindex.servicedata.generate_demo` (deterministic: a hash of the row number
and a seed, so the same demo gives the same figures), for the units of the demo's 2025 groups
(departments S01–S20, communes and wards X001–X060). The generator assigns procedures to units
through the shipped example catalogue; its departments are matched to the database's by name.
Units with no procedure in that catalogue (a broadcaster, a project board…) receive no
dossiers, as such units do, and their data-scored criteria stay unanswered.

Everything written is labelled as generated demo data. The import and the data-criteria run are
jobs of the appraiser, run here by the job runner (`run_now`, no worker needed), so the upload
page shows their report (the generator adds a few faulty rows and one correction, so that the
report has something to show).
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from parindex.accounts.models import User
from parindex.jobs.runner import run_now
from parindex.periods.models import AssessmentPeriod
from parindex.servicedata import Reference, load_reference
from parindex.servicedata.db import connect, text
from parindex.servicedata.generate_demo import GENERATED_NOTE, write_demo_files
from parindex.servicedata.reference import Unit as ReferenceUnit
from parindex.units.models import Unit, UnitLevel

from .services import (
    APPLY_JOB,
    ApplyReport,
    dossiers_import_here,
    feeds_import,
    summary_line,
)
from .sources import calendar

DEMO_YEAR = 2025
DEMO_DOSSIERS = 100_000
SEED = 766
# The shipped catalogue's unit group for procedures every commune handles.
COMMUNE_HANDLER = "UBND xã, phường"
CODE_PREFIX = "MH-"  # "minh họa"
FEED_NOTE = "Số liệu minh họa (GENERATED), không phải số liệu thật"


def generation_reference(units: list[Unit]) -> Reference:
    """The generator's view of the demo province: the database's units, and the shipped
    procedures with their handling department matched by name to the database's."""
    shipped = load_reference()
    by_name = {unit.name: unit.code for unit in units}
    handler = {old.code: by_name.get(old.name) for old in shipped.units.values()}
    procedures = {}
    for procedure in shipped.procedures.values():
        handled = procedure.extra.get("handled_by", "")
        if handled in handler:
            if handler[handled] is None:
                continue  # a department the demo province does not have
            handled = handler[handled] or ""
        procedures[procedure.code] = replace(
            procedure, extra={**procedure.extra, "handled_by": handled}
        )
    handlers = {procedure.extra["handled_by"] for procedure in procedures.values()}
    reference_units = {}
    for unit in units:
        if unit.unit_type.level == UnitLevel.COMMUNE:
            reference_units[unit.code] = ReferenceUnit(unit.code, unit.name, COMMUNE_HANDLER)
        elif unit.code in handlers:
            reference_units[unit.code] = ReferenceUnit(unit.code, unit.name, "Sở, ban, ngành")
    return Reference(reference_units, procedures, shipped.units_file, shipped.procedures_file)


def demo_feed_rows(units: list[Unit], year: int) -> list[dict[str, str]]:
    """Quarterly figures on citizens' feedback (PAKN) per unit: handled on time, satisfied."""
    rng = random.Random(SEED)
    rows = []
    for unit in units:
        for quarter in range(1, 5):
            received = rng.randint(2, 25)
            on_time = received - min(received, int(rng.expovariate(1.2)))
            satisfied = max(0, received - rng.randint(0, 3))
            for indicator, numerator in (("pakn_dung_han", on_time), ("pakn_hai_long", satisfied)):
                rows.append(
                    {
                        "unit": unit.code,
                        "indicator": indicator,
                        "period": f"{year}-Q{quarter}",
                        "numerator": str(numerator),
                        "denominator": str(received),
                        "note": FEED_NOTE,
                    }
                )
    return rows


def load_demo_dossiers(
    log: Callable[[str], None] = print, *, dossiers: int = DEMO_DOSSIERS, year: int = DEMO_YEAR
) -> ApplyReport:
    """Generate, import and apply a year of demo service data; returns the data-apply report."""
    period = AssessmentPeriod.objects.get(year=year)
    units = list(
        Unit.objects.filter(unit_groups__period=period)
        .select_related("unit_type")
        .distinct()
        .order_by("code")
    )
    appraiser = User.objects.filter(role="appraiser").order_by("pk").first()
    reference = generation_reference(units)
    with tempfile.TemporaryDirectory(prefix="parindex-demo-dossiers-") as folder:
        (generated,) = write_demo_files(
            reference=reference,
            calendar=calendar(),
            year=year,
            dossiers=dossiers,
            out=Path(folder),
            styles=("generic",),
            seed=SEED,
            with_errors=True,
        )
        _prefix_codes(generated)
        with generated.open("rb") as handle:
            report = dossiers_import_here(
                actor=appraiser,
                name=generated.name,
                chunks=iter(lambda: handle.read(1 << 20), b""),
            ).report
    assert report is not None  # the import job always writes its report
    log(f"Demo dossiers ({GENERATED_NOTE}): {summary_line(report)}, batch {report.get('batch')}.")

    with tempfile.TemporaryDirectory(prefix="parindex-demo-feeds-") as folder:
        path = Path(folder) / f"so_lieu_pakn_{year}_minh_hoa.csv"
        rows = demo_feed_rows([u for u in units if u.code in reference.units], year)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        feeds = feeds_import(actor=appraiser, name=path.name, chunks=[path.read_bytes()])
    log(f"Demo feeds: {summary_line(feeds)}.")

    applied = _apply_as_job(period, appraiser)
    log(
        f"Data-scored criteria {year}: {applied.written} written, {applied.unchanged} unchanged, "
        f"{len(applied.problems)} without figures, {len(applied.refused)} assessments locked."
    )
    return applied


def _prefix_codes(path: Path) -> None:
    """Give the demo's dossier codes a prefix of their own: the generator numbers dossiers
    from 1, and the shipped sample files use the same numbers, so importing a sample into the
    demo would otherwise replace demo dossiers ("the later record wins")."""
    rewritten = path.with_name(f"prefixed-{path.name}")
    connection = connect()
    try:
        connection.execute(
            f"COPY (SELECT * REPLACE ({text(CODE_PREFIX)} || dossier_code AS dossier_code) "
            f"FROM read_csv({text(str(path))}, header = true, all_varchar = true)) "
            f"TO {text(str(rewritten))} (HEADER)"
        )
    finally:
        connection.close()
    rewritten.replace(path)


def _apply_as_job(period: AssessmentPeriod, appraiser: User | None) -> ApplyReport:
    """The data-criteria job, run here by the job runner (as a worker would run it), so that
    its report page exists."""
    task = run_now(
        kind=APPLY_JOB,
        title=f"Chấm tiêu chí từ số liệu hồ sơ: {period.name}",
        params={"period": period.pk},
        user=appraiser,
    )
    assert task.report is not None  # the data-criteria job always writes its report
    return ApplyReport(**task.report)
