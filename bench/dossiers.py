"""Benchmark of the service-data indicators against a bare DuckDB GROUP BY of the same rates.

    .venv/bin/python bench/dossiers.py                  # 10 million dossiers
    .venv/bin/python bench/dossiers.py --quick          # 1 million
    .venv/bin/python bench/dossiers.py --rows 3000000 --repeat 5 --out /tmp/bench-dossiers

All data is synthetic (GENERATED for a demo province by `parindex.servicedata.generate_demo`,
deterministic for a given seed and DuckDB version), never real dossiers. The script:

1. generates N canonical dossier records and writes them as Parquet and as CSV (under
   `var/bench/dossiers` unless `--out` says otherwise; never inside the repository's sources);
2. for each file format, in a fresh process (so that its peak memory is its own):
   - **ours**: `compute_indicators(by unit × month)` over the file, plus the unofficial 766
     points: the two SQL statements, the exact Decimal rates and the points of every row;
   - **bare**: one hand-written DuckDB `GROUP BY unit, month of reception` over the same file
     computing the same counts (the lower bound: no carry-over, no snapshot of open dossiers,
     no rates in Python); for CSV it lets DuckDB sniff the file, i.e. DuckDB's own CSV scan;
3. prints rows per second, the best of `--repeat` runs of each, their ratio, and the peak
   resident memory of each process; then, unless `--no-import`, the throughput of the real
   import path (`import_dossiers`: mapping, checks, calendar, Parquet part) on up to 1 M rows of
   the generic format.

Goals (from the issue): ours ≤ 2 × bare on Parquet, ≤ 1.5 × bare on CSV, peak memory ≤ 4 GB.
The script never fails on a missed goal (exit status 0); it says which goals were met.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from parindex.servicedata import (
    DossierSource,
    IndicatorRequest,
    Store,
    WorkingCalendar,
    attach_points,
    compute_indicators,
    import_dossiers,
    load_points_config,
    load_reference,
    resolve_mapping,
)
from parindex.servicedata.db import connect, text
from parindex.servicedata.generate_demo import _generic_select, generate_records
from parindex.servicedata.indicators import COUNTS

YEAR = 2025
PARQUET_GOAL = 2.0
CSV_GOAL = 1.5
MEMORY_GOAL_GB = 4.0
IMPORT_ROWS = 1_000_000


def peak_memory_gb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def generate(rows: int, seed: int, out: Path, import_rows: int) -> dict[str, Any]:
    """Write the canonical Parquet and CSV files (and a generic-format CSV for the import)."""
    started = time.perf_counter()
    connection = connect()
    generate_records(
        connection,
        reference=load_reference(),
        calendar=WorkingCalendar.default(),
        year=YEAR,
        dossiers=rows,
        seed=seed,
        table="generated",
        materialize=False,
    )
    parquet, csv = out / "dossiers.parquet", out / "dossiers.csv"
    connection.execute(f"COPY generated TO {text(str(parquet))} (FORMAT parquet)")
    connection.execute(
        f"COPY (SELECT * FROM read_parquet({text(str(parquet))})) TO {text(str(csv))} (HEADER)"
    )
    if import_rows:
        subset = f"(SELECT * FROM read_parquet({text(str(parquet))}) LIMIT {import_rows})"
        connection.execute(
            f"COPY ({_generic_select(subset)}) TO {text(str(out / 'generic.csv'))} (HEADER)"
        )
    connection.close()
    return {
        "seconds": time.perf_counter() - started,
        "parquet_mb": parquet.stat().st_size / 1e6,
        "csv_mb": csv.stat().st_size / 1e6,
        "peak_gb": peak_memory_gb(),
    }


def bare_sql(relation: str) -> str:
    """The same counts in one plain GROUP BY (by month of reception), as a DuckDB user writes it."""
    counts = ",\n       ".join(
        f"COUNT(CASE WHEN {count.condition} THEN 1 END) AS {count.name}" for count in COUNTS
    )
    return f"""
SELECT unit_code, date_trunc('month', received_at) AS month,
       COUNT(*) AS received,
       COUNT(finished_at) AS handled,
       COUNT(CASE WHEN finished_at IS NULL THEN 1 END) AS processing,
       COUNT(CASE WHEN finished_at IS NULL AND deadline_at < TIMESTAMP '{YEAR + 1}-01-01' THEN 1 END)
           AS overdue,
       {counts}
FROM {relation}
WHERE received_at >= TIMESTAMP '{YEAR}-01-01' AND received_at < TIMESTAMP '{YEAR + 1}-01-01'
GROUP BY ALL
"""


def measure(file_format: str, path: Path, repeat: int) -> dict[str, Any]:
    """Best-of-`repeat` seconds for ours and bare on one file; runs in its own process."""
    reference = load_reference()
    config = load_points_config()
    if file_format == "parquet":
        source = DossierSource.from_parquet([path])
        bare_relation = f"read_parquet({text(str(path))})"
    else:
        source = DossierSource.from_csv([path])
        bare_relation = f"read_csv({text(str(path))})"  # DuckDB sniffs types itself
    request = IndicatorRequest(date(YEAR, 1, 1), date(YEAR, 12, 31), ("unit", "month"))
    ours: list[float] = []
    bare: list[float] = []
    rows_out = 0
    connection = connect()
    for _ in range(repeat):
        # Alternate the two so that neither always runs on a warmer file cache.
        started = time.perf_counter()
        table = compute_indicators(source, request, reference=reference)
        attach_points(table.rows, config)
        ours.append(time.perf_counter() - started)
        rows_out = len(table.rows)
        started = time.perf_counter()
        bare_rows = connection.execute(bare_sql(bare_relation)).fetchall()
        bare.append(time.perf_counter() - started)
    return {
        "ours": min(ours),
        "bare": min(bare),
        "rows_out": rows_out,
        "bare_rows_out": len(bare_rows),
        "peak_gb": peak_memory_gb(),
    }


def measure_import(path: Path, out: Path) -> dict[str, Any]:
    store = Store(out / "store")
    shutil.rmtree(store.root, ignore_errors=True)
    started = time.perf_counter()
    result = import_dossiers(
        path,
        resolve_mapping("generic"),
        store=store,
        reference=load_reference(),
        calendar=WorkingCalendar.default(),
    )
    seconds = time.perf_counter() - started
    shutil.rmtree(store.root, ignore_errors=True)
    return {
        "seconds": seconds,
        "read": result.read,
        "imported": result.imported,
        "computed_deadlines": result.computed_deadlines,
        "peak_gb": peak_memory_gb(),
    }


def in_child(function: Any, *args: Any) -> Any:
    """Run `function(*args)` in a fresh process and return its result."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="1 million rows")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("var") / "bench" / "dossiers")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--no-import", action="store_true", help="skip the import measurement")
    args = parser.parse_args(argv)
    rows = 1_000_000 if args.quick else args.rows
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=args.out))
    import_rows = 0 if args.no_import else min(rows, IMPORT_ROWS)

    print("parindex service-data benchmark — GENERATED demo dossiers, not real data")
    print(
        f"{rows:,} dossiers, year {YEAR}, seed {args.seed}; best of {args.repeat}; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )
    generated = in_child(generate, rows, args.seed, work, import_rows)
    print(
        f"generated in {generated['seconds']:.1f} s: Parquet {generated['parquet_mb']:.0f} MB, "
        f"CSV {generated['csv_mb']:.0f} MB (peak {generated['peak_gb']:.2f} GB)\n"
    )
    results = {
        file_format: in_child(measure, file_format, work / f"dossiers.{file_format}", args.repeat)
        for file_format in ("parquet", "csv")
    }
    print(f"{'source':<9}{'ours s':>9}{'bare s':>9}{'ratio':>8}{'goal':>7}{'rows/s (ours)':>17}"
          f"{'peak GB':>9}  met")  # fmt: skip
    met_all = True
    for file_format, goal in (("parquet", PARQUET_GOAL), ("csv", CSV_GOAL)):
        result = results[file_format]
        ratio = result["ours"] / result["bare"]
        met = ratio <= goal and result["peak_gb"] <= MEMORY_GOAL_GB
        met_all &= met
        print(
            f"{file_format:<9}{result['ours']:>9.2f}{result['bare']:>9.2f}{ratio:>8.2f}"
            f"{'≤' + str(goal):>7}{rows / result['ours']:>17,.0f}{result['peak_gb']:>9.2f}  "
            f"{'yes' if met else 'NO'}"
        )
    print(
        f"\nours: {results['parquet']['rows_out']} rows (unit × month, with carry-over and "
        f"766 points); bare: {results['parquet']['bare_rows_out']} rows; memory goal "
        f"≤ {MEMORY_GOAL_GB:.0f} GB"
    )
    if import_rows:
        imported = in_child(measure_import, work / "generic.csv", work)
        print(
            f"import (generic CSV → store, checks and calendar): {imported['read']:,} rows in "
            f"{imported['seconds']:.1f} s = {imported['read'] / imported['seconds']:,.0f} rows/s; "
            f"{imported['computed_deadlines']:,} deadlines computed; peak "
            f"{imported['peak_gb']:.2f} GB (no goal)"
        )
    print("all goals met" if met_all else "some goals missed (see 'met')")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
