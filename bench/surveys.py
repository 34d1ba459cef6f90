"""Survey benchmark: 1 million synthetic responses × 30 questions across 80 units.

    .venv/bin/python bench/surveys.py [--responses 1000000] [--dir /tmp/parindex-bench-surveys]
                                      [--reuse]

Generates (not timed) a 30-question form (10 survey nodes × 3 questions, 3 respondent
groups) and SYNTHETIC responses, imports them into a survey store (timed apart; `--reuse`
keeps a store generated before), then, in a fresh process (so that its peak RSS is the
scoring path's own), times parindex's scoring path end to end — reading the store,
integrity rules, audited exclusions, weighted rates, points through the engine, intervals
(normal method, 2 000 draws) and flags — against a bare DuckDB aggregation of the same
weighted rates over the same Parquet file, the two interleaved, best of three each.
Goals: parindex ≤ 2 × DuckDB, peak RSS ≤ 1,5 GB. Exits 0 either way.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq

from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.surveys.generate_demo import DEMO_UNITS, CarelessShares, synthetic_export
from parindex.surveys.integrity import IntegrityConfig
from parindex.surveys.responses import RawResponses, parse_responses
from parindex.surveys.scoring import ScoringOptions
from parindex.surveys.store import Batch, SurveyStore
from parindex.surveys.xlsform import Choice, Question, SurveyForm, write_xlsform

NODES = 10
PER_NODE = 3
GROUPS = (("dan", Decimal("0.5")), ("dn", Decimal("0.3")), ("cc", Decimal("0.2")))


def bench_form() -> SurveyForm:
    questions = [
        Question("start", "start"),
        Question("end", "end"),
        Question("deviceid", "deviceid"),
    ]
    questions += [
        Question("select_one units", "unit", {"": "Đơn vị"}, required="yes"),
        Question("select_one groups", "group", {"": "Nhóm"}, required="yes"),
    ]
    questions += [
        Question("select_one likert", f"q{n}_{k}", {"": f"Câu {n}.{k}"}, node=f"N{n}")
        for n in range(1, NODES + 1)
        for k in range(1, PER_NODE + 1)
    ]
    choices = {
        "likert": tuple(
            Choice("likert", str(i + 1), {"": str(i + 1)}, Decimal(i)) for i in range(5)
        ),
        "units": tuple(Choice("units", code, {"": name}) for code, name in DEMO_UNITS),
        "groups": tuple(Choice("groups", g, {"": g}, weight=w) for g, w in GROUPS),
    }
    settings = {
        "form_id": "bench",
        "version": "1",
        "unit_field": "unit",
        "respondent_group_field": "group",
    }
    return SurveyForm(tuple(questions), choices, settings)


def bench_framework():  # type: ignore[no-untyped-def]
    nodes = [NodeSpec("A", "Khảo sát", NODES * 2)]
    for n in range(1, NODES + 1):
        if n % 2:
            nodes.append(
                NodeSpec(f"N{n}", f"Tiêu chí {n}", 2, parent="A", rule="ratio", source="survey")
            )
        else:
            params = {
                "thresholds": [{"min_percent": 90, "points": 2}, {"min_percent": 75, "points": 1}]
            }
            nodes.append(
                NodeSpec(
                    f"N{n}",
                    f"Tiêu chí {n}",
                    2,
                    parent="A",
                    rule="bands",
                    rule_params=params,
                    source="survey",
                )
            )
    info = {
        "code": "bench",
        "name": "Bench",
        "year": 2025,
        "unit_group": "xã",
        "max_total": NODES * 2,
    }
    return build_framework(FrameworkSpec(info, nodes))


def duckdb_rates(parquet_glob: str) -> tuple[float, dict[tuple[str, str], float]]:
    """The same weighted rates, in plain SQL: per respondent node score, group means, weights."""
    cases = []
    for n in range(1, NODES + 1):
        shares = [
            f"(CASE q{n}_{k} WHEN '1' THEN 0.0 WHEN '2' THEN 0.25 WHEN '3' THEN 0.5 "
            f"WHEN '4' THEN 0.75 WHEN '5' THEN 1.0 END)"
            for k in range(1, PER_NODE + 1)
        ]
        count = " + ".join(f"({s} IS NOT NULL)::INT" for s in shares)
        total = " + ".join(f"COALESCE({s}, 0)" for s in shares)
        cases.append(f"CASE WHEN {count} > 0 THEN ({total}) / ({count}) END AS n{n}")
    weights = " UNION ALL ".join(f"SELECT '{g}' AS g, {w} AS w" for g, w in GROUPS)
    means = ", ".join(f"avg(n{n}) AS m{n}" for n in range(1, NODES + 1))
    rates = ", ".join(
        f"sum(w * m{n}) FILTER (WHERE m{n} IS NOT NULL) / sum(w) FILTER (WHERE m{n} IS NOT NULL) AS r{n}"
        for n in range(1, NODES + 1)
    )
    sql = f"""
        WITH respondents AS (SELECT _unit AS u, _group AS g, {", ".join(cases)}
                             FROM read_parquet('{parquet_glob}')),
             strata AS (SELECT u, g, {means} FROM respondents GROUP BY u, g),
             weights AS ({weights})
        SELECT u, {rates} FROM strata JOIN weights USING (g) GROUP BY u ORDER BY u
    """
    connection = duckdb.connect()
    started = time.perf_counter()
    rows = connection.execute(sql).fetchall()
    elapsed = time.perf_counter() - started
    return elapsed, {(row[0], f"N{n}"): row[n] for row in rows for n in range(1, NODES + 1)}


def peak_rss_mib() -> float:
    """This process's peak resident memory. /proc's VmHWM, which starts afresh with the
    program (getrusage's ru_maxrss would carry the generating parent's peak over exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def score(directory: Path) -> dict[str, float]:
    """The timed part, run in its own process: ours and DuckDB's, interleaved, best of three."""
    store = SurveyStore(directory / "store")
    framework = bench_framework()
    parquet = str(next((directory / "store" / "responses" / "bench").glob("*.parquet")))
    ours, bare = [], []
    results = None
    for _ in range(3):  # the first also pays for lazy imports
        bare.append(duckdb_rates(parquet)[0])
        started = time.perf_counter()
        results = store.results(framework, ScoringOptions())
        ours.append(time.perf_counter() - started)
    assert results is not None
    rss = peak_rss_mib()
    _, reference = duckdb_rates(parquet)
    # Same work check: our rates without exclusions against DuckDB's over every response.
    plain = store.results(
        framework, ScoringOptions(resamples=100), IntegrityConfig(exclude_rules=frozenset())
    )
    difference = max(
        abs(float(node.rate) - 100 * reference[(unit.unit, code)])
        for unit in plain.units
        for code, node in unit.nodes.items()
        if node.rate is not None
    )
    return {
        "ours": min(ours),
        "bare": min(bare),
        "rss_mib": rss,
        "difference": difference,
        "units": len(results.units),
        "valid": sum(u.responses for u in results.units),
    }


def prepare(directory: Path, responses: int) -> None:
    """Generate the form and the synthetic responses, and import them (timed apart)."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    form = bench_form()
    form_path = directory / "bench_form.xlsx"
    write_xlsform(form, form_path)

    started = time.perf_counter()
    careless = CarelessShares(
        straight_lining=0.01, too_fast=0.005, resent=0.002, same_answers=0.002
    )
    export = synthetic_export(form, responses, seed=1, careless=careless)
    generated = time.perf_counter() - started
    print(
        f"Sinh {export.num_rows:,} phiếu giả lập × {NODES * PER_NODE} câu, {len(DEMO_UNITS)} đơn vị: {generated:.1f} s (không tính)"
    )

    store = SurveyStore(directory / "store")
    store.save_form(form_path)
    started = time.perf_counter()
    columns = {name: export.column(name).combine_chunks() for name in export.column_names}
    raw = RawResponses(
        "bench", tuple(export.column_names), columns, np.arange(2, export.num_rows + 2)
    )
    imported = parse_responses(form, raw, salt=store.salt(), batch="bench-1")
    destination = store.responses_dir(form.form_id) / "bench-1.parquet"
    destination.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(imported.table, destination)
    batch = Batch(
        "bench-1",
        form.form_id,
        "bench",
        "-",
        imported.read,
        imported.imported,
        0,
        len(imported.rejected),
        "-",
    )
    store.manifest_path.write_text(json.dumps(batch.__dict__) + "\n")
    import_seconds = time.perf_counter() - started
    print(
        f"Nhập (kiểm tra từng cột, ghi Parquet): {import_seconds:.1f} s, {imported.imported:,} phiếu, từ chối {len(imported.rejected)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/parindex-bench-surveys"))
    parser.add_argument("--reuse", action="store_true", help="keep the store made before")
    parser.add_argument("--score-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.score_only:
        print(json.dumps(score(args.dir)))
        return 0
    if not (args.reuse and (args.dir / "store" / "batches.jsonl").exists()):
        prepare(args.dir, args.responses)
    child = subprocess.run(
        [sys.executable, __file__, "--score-only", "--dir", str(args.dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    ours, bare = measured["ours"], measured["bare"]
    ratio = ours / bare
    print()
    print(f"{'bước':<52}{'giây':>10}")
    print(f"{'parindex: đọc kho + kiểm tra + tỷ lệ + điểm + khoảng tin cậy':<52}{ours:>10.3f}")
    print(f"{'DuckDB: cùng tỷ lệ có trọng số (SQL thuần)':<52}{bare:>10.3f}")
    print(f"{'tỷ lệ parindex ÷ DuckDB':<52}{ratio:>10.2f}")
    rss = measured["rss_mib"]
    print(f"Bộ nhớ: RSS tối đa của tiến trình tính điểm {rss:,.0f} MiB (mục tiêu ≤ 1 536 MiB)")
    print(
        f"Kiểm tra cùng phép tính: chênh lệch tỷ lệ lớn nhất {measured['difference']:.4f} điểm % (làm tròn 2 chữ số)"
    )
    print(f"Đơn vị: {measured['units']}, phiếu hợp lệ: {measured['valid']:,}")
    verdict = "ĐẠT" if ratio <= 2 and rss <= 1536 else "CHƯA ĐẠT"
    print(f"Mục tiêu ≤ 2 × DuckDB và ≤ 1,5 GB: {verdict} ({ratio:.2f} ×, {rss:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
