"""Indicator tables as flat records, and their JSON, XLSX and Parquet files.

Machine formats (JSON, Parquet) use the English snake_case names of docs/service-data.md;
the spreadsheet uses Vietnamese headings. Rates and points are computed as `Decimal`; Parquet
keeps them as DECIMAL columns, JSON and XLSX as numbers (2 decimals, printed exactly).
"""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from parindex.common.spreadsheet import save_workbook

from .db import connect, text
from .indicators import COUNT_LABELS, RATES, IndicatorTable
from .qd766 import UNOFFICIAL, PointsResult

KEY_LABELS = {
    "province": "Phạm vi",
    "unit_group": "Nhóm đơn vị",
    "unit_code": "Mã đơn vị",
    "unit_name": "Đơn vị",
    "procedure_code": "Mã thủ tục",
    "procedure_name": "Thủ tục",
    "period": "Kỳ",
    "period_start": "Từ ngày",
    "period_end": "Đến ngày",
}
COUNT_COLUMNS = (
    "carried_over", "received", "handled", "withdrawn", "refused", "on_time", "early", "late",
    "processing", "within_deadline", "overdue", "online", "with_fee", "paid_online", "digitised",
    "e_result", "rated", "satisfied", "complaints", "no_wait", "no_wait_same_day",
)  # fmt: skip


def records(table: IndicatorTable) -> list[dict[str, Any]]:
    """One flat dict per row: keys, period, counts, rates (%), feed figures, 766 points."""
    result: list[dict[str, Any]] = []
    feed_codes = sorted({code for row in table.rows for code in row.feeds})
    for row in table.rows:
        record: dict[str, Any] = {key: row.keys[key] for key in KEY_LABELS if key in row.keys}
        record.update(
            period=row.period.code,
            period_label=row.period.label,
            period_start=row.period.start.isoformat(),
            period_end=row.period.end.isoformat(),
        )
        record.update({name: row.counts[name] for name in COUNT_COLUMNS})
        record.update({rate.name: row.rates[rate.name] for rate in RATES})
        for code in feed_codes:
            figure = row.feeds.get(code)
            record[f"feed_{code}"] = (
                None if figure is None else figure.value if figure.kind == "count" else figure.rate
            )
        points: PointsResult | None = row.points
        if points is not None:
            # A group without data is null, and scored over a reduced maximum when some of its
            # components have none: `points_<G>_max` and the note say so.
            for group in points.groups:
                record[f"points_{group.group.code}"] = group.points
                record[f"points_{group.group.code}_max"] = group.scored_max
            record["points_total"] = points.total
            record["points_scored_max"] = points.scored_max
            record["points_note"] = "; ".join(points.notes)
        result.append(record)
    return result


def column_label(name: str) -> str:
    rates = {rate.name: rate.label + " (%)" for rate in RATES}
    if name in KEY_LABELS:
        return KEY_LABELS[name]
    if name in COUNT_LABELS:
        return COUNT_LABELS[name]
    if name in rates:
        return rates[name]
    if name == "period_label":
        return "Kỳ (tên)"
    if name == "points_note":
        return "Điểm 766: thành phần không chấm (không có dữ liệu)"
    if name.startswith("points_") and name.endswith("_max"):
        return f"Điểm 766 {name[7:-4]}: tối đa của phần được chấm"
    if name.startswith("points_"):
        return f"Điểm 766 {name[7:]} ({UNOFFICIAL})"
    if name.startswith("feed_"):
        return f"Số liệu khác: {name[5:]}"
    return name


def provenance(table: IndicatorTable) -> dict[str, Any]:
    request = table.request
    return {
        "from": request.start.isoformat(),
        "to": request.end.isoformat(),
        "by": list(request.by),
        "computed_at": table.computed_at.isoformat(timespec="seconds"),
        "source": table.source,
        "store_batches": list(table.batches),
        "note": (
            "Điểm kiểu QĐ 766 và các tỷ lệ đánh dấu 766 theo bản tái dựng không chính thức "
            "(qd766_indicators_unofficial.csv). Tỷ lệ null: không có dữ liệu (tệp xuất không có "
            "cột đó hoặc không phát sinh hồ sơ); thành phần điểm không có dữ liệu không được "
            "chấm và điểm tối đa của nhóm giảm tương ứng (points_<nhóm>_max, points_note)."
        ),
        "sql": list(table.sql),
    }


class _DecimalEncoder(json.JSONEncoder):
    def default(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            # Rates have 2 decimals and points 2: a float's shortest repr is that same text.
            return float(value)
        return super().default(value)


def to_json(table: IndicatorTable) -> str:
    payload = {**provenance(table), "rows": records(table)}
    return json.dumps(payload, ensure_ascii=False, indent=2, cls=_DecimalEncoder)


def write_xlsx(table: IndicatorTable, path: Path) -> None:
    from openpyxl import Workbook

    rows = records(table)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chỉ số"
    columns = list(rows[0]) if rows else []
    sheet.append([column_label(column) for column in columns])
    for record in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in record.values()])
    sheet.freeze_panes = "A2"
    about = workbook.create_sheet("Nguồn số liệu")
    for key, value in provenance(table).items():
        about.append([key, "\n\n".join(value) if isinstance(value, list) else value])
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(workbook, path)


def write_parquet(table: IndicatorTable, path: Path) -> None:
    rows = records(table)
    if not rows:
        raise ValueError("không có dòng nào để ghi")
    types: dict[str, str] = {}
    for column, value in rows[0].items():
        if column == "points_note":
            types[column] = "VARCHAR"
        elif column.startswith(("points_", "feed_")) or any(column == r.name for r in RATES):
            types[column] = "DECIMAL(18,4)"
        elif isinstance(value, int):
            types[column] = "BIGINT"
        else:
            types[column] = "VARCHAR"
    with tempfile.TemporaryDirectory(prefix="parindex-export-") as folder:
        lines = Path(folder) / "rows.jsonl"
        with lines.open("w", encoding="utf-8") as handle:
            for record in rows:
                handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        spec = ", ".join(f"{text(name)}: {text(sql_type)}" for name, sql_type in types.items())
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = connect()
        try:
            connection.execute(
                f"COPY (SELECT * FROM read_json({text(str(lines))}, format = 'newline_delimited', "
                f"columns = {{{spec}}})) TO {text(str(path))} (FORMAT parquet)"
            )
        finally:
            connection.close()
