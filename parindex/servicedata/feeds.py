"""Other indicator feeds: figures the province keeps elsewhere, imported as plain tables.

A feed file (CSV or XLSX, header on the first row) has the columns

    unit, indicator, period, numerator, denominator, value[, note]

- `unit`: a unit's code or exact name (units.csv);
- `indicator`: a code of the catalogue (`feed_indicators.csv`: complaints handled on time,
  citizen-reception sessions, plan tasks completed, the 766 figures the portal reports…);
- `period`: 2025, 2025-Q1 (or Q1/2025), 2025-03 (or 03/2025), or 2025-01-01..2025-06-30;
- a `rate` indicator takes numerator and denominator (numerator ≤ denominator), or only
  `value` as a percentage; a `count` indicator takes `value`.

The checks and the provenance are those of the dossier import: every problem with its row,
`read = imported + rejected`, re-importing the same file changes nothing, a later row or a later
file wins for the same unit, indicator and period (counted).

In the indicator tables a feed row counts in an output period when its own period lies inside
it; rows are added up (numerators and denominators, or values of counts) over units and
periods. A percentage given without numerator and denominator cannot be added to another one:
it is used only when it is the only row, otherwise the figure is left out and said so.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from parindex.engine import Problem, to_decimal
from parindex.engine.numbers import HUNDRED

from .db import connect, path_list, text
from .errors import ServiceDataError
from .importer.files import cell_text
from .importer.results import ImportResult, RejectedRow, already_imported
from .indicators import IndicatorTable, empty_row, percent
from .periods import Period, parse_period
from .reference import Reference, data_path
from .store import Batch, Store, file_sha256, input_key, now_text

FEED_COLUMNS = ("unit", "indicator", "period", "numerator", "denominator", "value")


@dataclass(frozen=True, slots=True)
class FeedIndicator:
    code: str
    name: str
    kind: str  # rate | count
    description: str = ""


def load_feed_catalogue(path: Path | None = None) -> dict[str, FeedIndicator]:
    source = path or data_path("feed_indicators.csv")
    catalogue: dict[str, FeedIndicator] = {}
    problems: list[Problem] = []
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            where = f"{source}, dòng {reader.line_num}"
            code = (row.get("code") or "").strip()
            kind = (row.get("kind") or "").strip()
            if not re.fullmatch(r"[a-z0-9_]+", code):
                problems.append(Problem(where, f"mã chỉ số «{code}» chỉ gồm a-z, 0-9, _"))
            elif kind not in ("rate", "count"):
                problems.append(Problem(where, f"«kind» của «{code}» là rate hoặc count"))
            elif code in catalogue:
                problems.append(Problem(where, f"mã chỉ số «{code}» bị lặp"))
            else:
                catalogue[code] = FeedIndicator(
                    code, (row.get("name") or code).strip(), kind, row.get("description") or ""
                )
    if problems:
        raise ServiceDataError(problems)
    return catalogue


def rule_values(
    kind: str, numerator: Decimal | None, denominator: Decimal | None, value: Decimal | None
) -> dict[str, Any]:
    """Input for a scoring rule: numerator/denominator, a percentage, or a count."""
    if kind == "count":
        return {"count": value, "value": value}
    if numerator is not None and denominator is not None:
        return {"numerator": numerator, "denominator": denominator}
    return {"percent": value}


@dataclass(frozen=True, slots=True)
class FeedFigure:
    """One feed indicator for one output row: summed figures and the batches they came from."""

    indicator: str
    kind: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    rows: int

    @property
    def rate(self) -> Decimal | None:
        if self.kind == "count":
            return None
        if self.numerator is not None and self.denominator is not None:
            return percent(self.numerator, self.denominator)
        return self.value

    def rule_values(self) -> dict[str, Any]:
        return rule_values(self.kind, self.numerator, self.denominator, self.value)


# Import ----------------------------------------------------------------------------------------


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header = [cell_text(value).strip().lower() for value in next(rows, ())]
            result = []
            for line, values in enumerate(rows, start=2):
                if all(value is None or value == "" for value in values):
                    continue
                result.append(
                    (line, {h: cell_text(v).strip() for h, v in zip(header, values, strict=False)})
                )
            return result
        finally:
            workbook.close()
    if suffix not in (".csv", ".txt"):
        raise ServiceDataError(
            f"tệp số liệu phải là .csv hoặc .xlsx, không phải «{suffix}»", str(path)
        )
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
        return [
            (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None})
            for row in reader
        ]


def _optional_number(
    row: dict[str, str], column: str, where: str, problems: list[str]
) -> Decimal | None:
    raw = row.get(column, "")
    if raw == "":
        return None
    try:
        number = to_decimal(raw)
    except ValueError:
        problems.append(f"cột «{column}»: «{raw}» không phải số")
        return None
    if number < 0:
        problems.append(f"cột «{column}»: {raw} âm")
    return number


def _check_row(
    row: dict[str, str],
    where: str,
    reference: Reference,
    catalogue: dict[str, FeedIndicator],
    units_by_name: dict[str, str],
) -> tuple[dict[str, Any] | None, list[str]]:
    problems: list[str] = []
    unit = row.get("unit", "")
    unit_code = unit if unit in reference.units else units_by_name.get(unit.lower())
    if not unit:
        problems.append("thiếu đơn vị (cột «unit»)")
    elif unit_code is None:
        problems.append(f"cột «unit»: đơn vị «{unit}» không có trong danh sách đơn vị")
    indicator = catalogue.get(row.get("indicator", ""))
    if not row.get("indicator"):
        problems.append("thiếu chỉ số (cột «indicator»)")
    elif indicator is None:
        problems.append(f"cột «indicator»: chỉ số «{row['indicator']}» không có trong danh mục")
    period: Period | None = None
    try:
        period = parse_period(row.get("period", ""))
    except ValueError as error:
        problems.append(f"cột «period»: {error}")
    numerator = _optional_number(row, "numerator", where, problems)
    denominator = _optional_number(row, "denominator", where, problems)
    value = _optional_number(row, "value", where, problems)
    if indicator is not None and indicator.kind == "rate":
        if (numerator is None) != (denominator is None):
            problems.append("cần cả tử số (numerator) và mẫu số (denominator)")
        elif numerator is None and value is None:
            problems.append("thiếu số liệu: cần numerator và denominator, hoặc value (%)")
        if numerator is not None and denominator is not None and numerator > denominator:
            problems.append(f"tử số {numerator} lớn hơn mẫu số {denominator}")
        if numerator is None and value is not None and value > HUNDRED:
            problems.append(f"tỷ lệ {value} % vượt 100 %")
    if indicator is not None and indicator.kind == "count" and value is None:
        problems.append("chỉ số đếm cần cột «value»")
    if problems or period is None or indicator is None or unit_code is None:
        return None, problems
    return {
        "unit_code": unit_code,
        "indicator": indicator.code,
        "period_code": period.code,
        "period_start": period.start,
        "period_end": period.end,
        "numerator": numerator if indicator.kind == "rate" else None,
        "denominator": denominator if indicator.kind == "rate" else None,
        "value": value,
        "note": row.get("note", ""),
    }, []


def import_feed(
    path: Path,
    *,
    store: Store,
    reference: Reference,
    catalogue: dict[str, FeedIndicator] | None = None,
    report_path: Path | None = None,
    shown_rejections: int = 10,
) -> ImportResult:
    """Import one feed file; raises `ServiceDataError` (nothing written) for an unusable file."""
    path = Path(path)
    if not path.is_file():
        raise ServiceDataError("không có tệp này", str(path))
    catalogue = catalogue or load_feed_catalogue()
    sha256 = file_sha256(path)
    key = input_key(sha256, [reference.units_file, reference.procedures_file])
    previous = store.find("feeds", key)
    if previous is not None:
        return already_imported(path, previous)
    rows = _read_rows(path)
    header = set(rows[0][1]) if rows else set()
    missing = [c for c in ("unit", "indicator", "period") if rows and c not in header]
    if missing or not rows:
        raise ServiceDataError(
            f"thiếu cột {', '.join(missing) or 'dữ liệu'} (cần: {', '.join(FEED_COLUMNS)})",
            f"{path}, dòng 1",
        )
    units_by_name = {unit.name.lower(): unit.code for unit in reference.units.values()}
    accepted: dict[tuple[str, str, str], tuple[int, dict[str, Any]]] = {}
    rejected: list[RejectedRow] = []
    superseded_in_file = 0
    for line, row in rows:
        where = f"{path}, dòng {line}"
        record, problems = _check_row(row, where, reference, catalogue, units_by_name)
        if record is None:
            rejected.append(RejectedRow(where, "", "; ".join(problems)))
            continue
        row_key = (record["unit_code"], record["indicator"], record["period_code"])
        superseded_in_file += row_key in accepted  # the later row wins
        accepted[row_key] = (line, record)
    with store.writing() as writer:
        batch_id = writer.batch_id(sha256)
        earlier = _active_feed_keys(store)
        superseded_earlier = sum(1 for row_key in accepted if row_key in earlier)
        _write_feed_batch(writer.staging, batch_id, accepted, rejected)
        if report_path is not None:
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_bytes((writer.staging / "rejected.csv").read_bytes())
        counts = {
            "read": len(rows),
            "imported": len(rows) - len(rejected),
            "rejected": len(rejected),
            "superseded_in_file": superseded_in_file,
            "superseded_earlier": superseded_earlier,
            "computed_deadlines": 0,
        }
        batch = writer.commit(
            Batch(
                id=batch_id,
                kind="feeds",
                sequence=writer.sequence,
                file_name=path.name,
                file_sha256=sha256,
                imported_at=now_text(),
                counts=counts,
                mapping="feed",
                input_key=key,
            )
        )
    return ImportResult(
        file=str(path),
        sha256=sha256,
        batch=batch,
        already_imported=False,
        read=counts["read"],
        imported=counts["imported"],
        rejected=counts["rejected"],
        superseded_in_file=superseded_in_file,
        superseded_earlier=superseded_earlier,
        computed_deadlines=0,
        first_rejected=tuple(rejected[:shown_rejections]),
        report_path=report_path,
    )


def _write_feed_batch(
    staging: Path,
    batch_id: str,
    accepted: dict[tuple[str, str, str], tuple[int, dict[str, Any]]],
    rejected: list[RejectedRow],
) -> None:
    # Feed files are small (one row per unit, indicator and period): JSON Lines in, Parquet out.
    lines = staging / "records.jsonl"
    with lines.open("w", encoding="utf-8") as handle:
        for line, record in accepted.values():
            handle.write(
                json.dumps({**record, "batch_id": batch_id, "source_row": line}, default=str) + "\n"
            )
    columns = (
        "{unit_code: 'VARCHAR', indicator: 'VARCHAR', period_code: 'VARCHAR', "
        "period_start: 'DATE', period_end: 'DATE', numerator: 'DECIMAL(18,4)', "
        "denominator: 'DECIMAL(18,4)', value: 'DECIMAL(18,4)', note: 'VARCHAR', "
        "batch_id: 'VARCHAR', source_row: 'BIGINT'}"
    )
    connection = connect()
    try:
        connection.execute(
            f"COPY (SELECT * FROM read_json({text(str(lines))}, format = 'newline_delimited', "
            f"columns = {columns})) TO {text(str(staging / 'records.parquet'))} (FORMAT parquet)"
        )
    finally:
        connection.close()
    lines.unlink()
    with (staging / "rejected.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["vị trí", "lý do"])
        writer.writerows((row.location, row.reasons) for row in rejected)


_ACTIVE = """
SELECT * EXCLUDE (rank) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY unit_code, indicator, period_code ORDER BY batch_id DESC, source_row DESC
    ) AS rank
    FROM read_parquet({files}, union_by_name = true)
) WHERE rank = 1
"""


def _active_feed_keys(store: Store) -> set[tuple[str, str, str]]:
    files = store.record_files("feeds")
    if not files:
        return set()
    connection = connect()
    try:
        rows = connection.execute(
            f"SELECT unit_code, indicator, period_code FROM ({_ACTIVE.format(files=path_list(files))})"
        ).fetchall()
    finally:
        connection.close()
    return {(str(a), str(b), str(c)) for a, b, c in rows}


def active_feed_rows(store: Store) -> list[dict[str, Any]]:
    """The feed rows in force: the later batch, then the later row, wins."""
    files = store.record_files("feeds")
    if not files:
        return []
    connection = connect()
    try:
        result = connection.execute(_ACTIVE.format(files=path_list(files)))
        names = [column[0] for column in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        connection.close()


# Attaching feeds to indicator rows ------------------------------------------------------------


def attach_feeds(
    table: IndicatorTable,
    rows: list[dict[str, Any]],
    reference: Reference | None,
    catalogue: dict[str, FeedIndicator] | None = None,
) -> list[str]:
    """Add `row.feeds[code] = FeedFigure` to the table's rows; returns notes on figures left out."""
    catalogue = catalogue or load_feed_catalogue()
    request = table.request
    if "procedure" in request.by:
        return ["Số liệu từ nguồn khác không chia theo thủ tục: không gắn vào bảng theo thủ tục."]
    periods = request.periods
    groups = {code: unit.group for code, unit in (reference.units.items() if reference else [])}
    collected: dict[tuple[tuple[str, ...], int, str], list[dict[str, Any]]] = defaultdict(list)
    straddling = 0
    for feed in rows:
        inside = [
            p for p in periods if p.start <= feed["period_start"] and feed["period_end"] <= p.end
        ]
        if not inside:
            straddling += (
                feed["period_start"] <= request.end and feed["period_end"] >= request.start
            )
            continue
        feed_keys: list[str] = []
        for column in request.key_columns:
            if column == "unit_code":
                feed_keys.append(feed["unit_code"])
            elif column == "unit_group":
                feed_keys.append(groups.get(feed["unit_code"], "(chưa phân nhóm)"))
            else:
                feed_keys.append("province")
        collected[(tuple(feed_keys), inside[0].key, feed["indicator"])].append(feed)
    notes: list[str] = []
    if straddling:
        notes.append(
            f"{straddling} dòng số liệu khác có kỳ không nằm trọn trong một kỳ của bảng (ví dụ số "
            "liệu cả năm trong bảng theo tháng): không gắn vào bảng."
        )
    by_key = {
        (tuple(_raw_key(row.keys, column) for column in request.key_columns), row.period.key): row
        for row in table.rows
    }
    periods_by_key = {period.key: period for period in periods}
    for (keys, period_key, code), feeds in collected.items():
        row = by_key.get((keys, period_key))
        if row is None:  # a unit with figures but no dossiers in the period: an empty row
            row = empty_row(
                dict(zip(request.key_columns, keys, strict=True)),
                periods_by_key[period_key],
                reference,
            )
            by_key[(keys, period_key)] = row
            table.rows.append(row)
        kind = catalogue[code].kind if code in catalogue else "rate"
        figure = _combine(code, kind, feeds)
        if figure is None:
            notes.append(
                f"«{code}» ({', '.join(keys)}, kỳ {row.period.label}): nhiều tỷ lệ % không có tử/mẫu "
                "số, không cộng được"
            )
            continue
        row.feeds[code] = figure
    return notes


def _raw_key(keys: dict[str, str], column: str) -> str:
    return "province" if column == "province" else keys[column]


def _combine(code: str, kind: str, feeds: list[dict[str, Any]]) -> FeedFigure | None:
    if kind == "count":
        total = sum((Decimal(f["value"]) for f in feeds if f["value"] is not None), Decimal(0))
        return FeedFigure(code, kind, None, None, total, len(feeds))
    if all(f["numerator"] is not None and f["denominator"] is not None for f in feeds):
        return FeedFigure(
            code,
            kind,
            sum((Decimal(f["numerator"]) for f in feeds), Decimal(0)),
            sum((Decimal(f["denominator"]) for f in feeds), Decimal(0)),
            None,
            len(feeds),
        )
    if len(feeds) == 1:
        return FeedFigure(code, kind, None, None, Decimal(feeds[0]["value"]), 1)
    return None
