"""`parindex dossiers …`: import one-stop-shop dossier exports and compute service indicators.

A thin adapter: importing, the SQL and the scoring live in `parindex.servicedata`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from parindex.common import atomic
from parindex.common.dates import moment_text
from parindex.engine import format_number, format_percent
from parindex.servicedata import (
    DossierSource,
    ImportResult,
    IndicatorRequest,
    Period,
    ServiceDataError,
    Store,
    WorkingCalendar,
    active_feed_rows,
    attach_feeds,
    attach_points,
    compute_indicators,
    drilldown,
    import_dossiers,
    import_feed,
    load_calendar_config,
    load_feed_catalogue,
    load_points_config,
    load_reference,
    resolve_mapping,
)
from parindex.servicedata.discovery import discover_reference, write_reference_files
from parindex.servicedata.export import records, to_json, write_parquet, write_xlsx
from parindex.servicedata.indicators import IndicatorTable

# Bad input exits with 2, the status typer itself uses for a wrong command line.
BAD_INPUT = 2
MAX_PROBLEMS_SHOWN = 40
MAX_UNKNOWN_SHOWN = 20

app = typer.Typer(
    no_args_is_help=True,
    help="Dữ liệu hồ sơ TTHC: nhập tệp xuất từ hệ thống một cửa, tính chỉ số phục vụ.",
)
feeds_app = typer.Typer(
    no_args_is_help=True, help="Số liệu chỉ số từ nguồn khác (PAKN, tiếp dân…)."
)
app.add_typer(feeds_app, name="feeds")


def console() -> Console:
    """Made per command: the terminal's width (COLUMNS) is read when a console is created."""
    return Console()


def errors() -> Console:
    return Console(stderr=True)


StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Thư mục lưu dữ liệu (mặc định $PARINDEX_DATA_DIR/servicedata hoặc var/servicedata).",
    ),
]
UnitsOption = Annotated[
    Path | None,
    typer.Option("--units", help="Danh sách đơn vị units.csv (mặc định: tỉnh minh họa)."),
]
ProceduresOption = Annotated[
    Path | None, typer.Option("--procedures", help="Danh mục thủ tục procedures.csv.")
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"
    parquet = "parquet"


def _fail(error: ServiceDataError | ValueError | str) -> typer.Exit:
    if isinstance(error, ServiceDataError):
        problems = error.problems
        errors().print(f"[bold red]Lỗi[/]: {len(problems)} vấn đề, không ghi gì:", highlight=False)
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            errors().print(f"  {problem}", highlight=False, markup=False)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            errors().print(
                f"  … và {len(problems) - MAX_PROBLEMS_SHOWN} vấn đề khác", highlight=False
            )
    else:
        errors().print(f"[bold red]Lỗi[/]: {error}", highlight=False)
    return typer.Exit(code=BAD_INPUT)


@contextmanager
def _stages(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar over the named stages of a long command (on stderr, gone when done)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=errors(),
        transient=True,
    ) as progress:
        task = progress.add_task("Bắt đầu", total=total)
        started = False

        def advance(description: str) -> None:
            nonlocal started
            progress.update(task, description=description, advance=1 if started else 0)
            started = True

        yield advance
        progress.update(task, completed=total)


def _parse_day(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise typer.BadParameter(f"«{text}» không phải ngày (YYYY-MM-DD hoặc dd/mm/yyyy)")


def _n(value: int) -> str:
    return format_number(Decimal(value))


def _shown_time(iso: str) -> str:
    """A stored time in the province's time zone, as the web pages show it (a batch imported
    on a server running in UTC reads 15:30, not 08:30)."""
    return moment_text(iso)


def _print_import(result: ImportResult, kind: str, store: Store) -> None:
    batch = result.batch
    if result.already_imported and batch is not None:
        console().print(
            f"Tệp {result.file} đã được nhập (lô {batch.id}, {_shown_time(batch.imported_at)}): "
            "không thay đổi gì.",
            highlight=False,
        )
    console().print(
        f"Đọc {_n(result.read)} dòng = nhập {_n(result.imported)} + loại {_n(result.rejected)}",
        highlight=False,
    )
    if result.already_imported:
        return
    if result.superseded_in_file:
        console().print(
            f"  Trùng mã trong tệp: {_n(result.superseded_in_file)} bản ghi được thay bằng bản ghi "
            "sau (bản ghi sau được dùng)",
            highlight=False,
        )
    if result.superseded_earlier:
        console().print(
            f"  Thay cho {_n(result.superseded_earlier)} bản ghi của các lần nhập trước",
            highlight=False,
        )
    if result.computed_deadlines:
        console().print(
            f"  Hạn xử lý tính theo lịch ngày làm việc: {_n(result.computed_deadlines)} {kind}",
            highlight=False,
        )
    if result.absent_columns:
        console().print(
            f"  Tệp không có các cột (bỏ qua, chỉ số cần chúng để trống): "
            f"{', '.join(result.absent_columns)}",
            highlight=False,
        )
    special = {
        status: result.statuses.get(status, 0)
        for status in ("withdrawn", "refused", "supplement", "suspended")
    }
    if any(special.values()):
        labels = {
            "withdrawn": "rút hồ sơ",
            "refused": "từ chối",
            "supplement": "chờ bổ sung",
            "suspended": "tạm dừng",
        }
        shown = ", ".join(f"{labels[k]} {_n(v)}" for k, v in special.items() if v)
        console().print(f"  Trong số đã nhập: {shown}", highlight=False)
    for title, unknown in (
        ("Đơn vị", result.unknown_units),
        ("Thủ tục", result.unknown_procedures),
    ):
        if unknown:
            console().print(
                f"  {title} chưa có trong danh sách ({len(unknown)}; thêm vào rồi nhập lại, "
                "hoặc lập danh sách bằng «parindex dossiers reference»):",
                highlight=False,
            )
            for code in unknown[:MAX_UNKNOWN_SHOWN]:
                console().print(f"    {code}", highlight=False, markup=False)
            if len(unknown) > MAX_UNKNOWN_SHOWN:
                console().print(
                    f"    … và {len(unknown) - MAX_UNKNOWN_SHOWN} mã khác", highlight=False
                )
    if batch is not None:
        console().print(f"Đã ghi lô {batch.id}.", highlight=False)
    if result.first_rejected:
        where = result.report_path or (store.root / batch.rejected if batch else "")
        console().print(
            f"Dòng bị loại ({len(result.first_rejected)} dòng đầu; đầy đủ: {where}):",
            highlight=False,
        )
        for row in result.first_rejected:
            console().print(f"  {row}", highlight=False, markup=False)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Tệp xuất hồ sơ: .csv, .xlsx, .parquet, .jsonl")],
    mapping: Annotated[
        str,
        typer.Option(
            "--mapping", help="Tệp ánh xạ YAML, hoặc tên có sẵn: generic, vendor_vnpt_style"
        ),
    ],
    store: StoreOption = None,
    units: UnitsOption = None,
    procedures: ProceduresOption = None,
    calendar: Annotated[
        Path | None, typer.Option("--calendar", help="Cấu hình lịch làm việc YAML.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Ghi toàn bộ dòng bị loại ra tệp CSV này.")
    ] = None,
) -> None:
    """Nhập hồ sơ; in đối soát số dòng (đọc = nhập + loại) và các dòng bị loại."""
    try:
        loaded_mapping = resolve_mapping(mapping)
        reference = load_reference(units, procedures)
        working_calendar = WorkingCalendar(load_calendar_config(calendar))
        data_store = Store(store)
        with _stages(4) as stage:
            result = import_dossiers(
                file,
                loaded_mapping,
                store=data_store,
                reference=reference,
                calendar=working_calendar,
                report_path=report,
                on_stage=stage,
            )
    except ServiceDataError as error:
        raise _fail(error) from None
    _print_import(result, "hồ sơ", data_store)


@app.command("reference")
def reference_command(
    file: Annotated[Path, typer.Argument(help="Tệp xuất hồ sơ: .csv, .xlsx, .parquet, .jsonl")],
    mapping: Annotated[
        str,
        typer.Option(
            "--mapping", help="Tệp ánh xạ YAML, hoặc tên có sẵn: generic, vendor_vnpt_style"
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", help="Thư mục ghi units.csv và procedures.csv.")
    ],
    calendar: Annotated[
        Path | None, typer.Option("--calendar", help="Cấu hình lịch làm việc YAML.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Ghi đè units.csv, procedures.csv đã có.")
    ] = False,
) -> None:
    """Lập danh sách đơn vị, thủ tục có trong tệp xuất (để rà soát trước lần nhập đầu)."""
    try:
        loaded_mapping = resolve_mapping(mapping)
        working_calendar = WorkingCalendar(load_calendar_config(calendar))
        found = discover_reference(file, loaded_mapping, calendar=working_calendar)
        units_path, procedures_path = write_reference_files(found, output, overwrite=force)
    except ServiceDataError as error:
        raise _fail(error) from None
    console().print(
        f"Đọc {_n(found.read)} dòng: {_n(len(found.units))} đơn vị, "
        f"{_n(len(found.procedures))} thủ tục.",
        highlight=False,
    )
    console().print(f"Đã ghi {units_path} và {procedures_path}.", highlight=False)
    for note in found.notes:
        console().print(f"  Lưu ý: {note}", highlight=False)
    console().print(
        "Rà soát hai tệp (tên, nhóm, mức DVC, phí, thời hạn) rồi nhập với "
        f"--units {units_path} --procedures {procedures_path}.",
        highlight=False,
    )


@feeds_app.command("import")
def feeds_import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tệp .csv/.xlsx: unit, indicator, period, numerator, denominator, value"
        ),
    ],
    store: StoreOption = None,
    units: UnitsOption = None,
    procedures: ProceduresOption = None,
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="Danh mục chỉ số feed_indicators.csv.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Ghi các dòng bị loại ra CSV.")
    ] = None,
) -> None:
    """Nhập số liệu chỉ số từ nguồn khác, cùng cách kiểm tra và đối soát như hồ sơ."""
    try:
        data_store = Store(store)
        result = import_feed(
            file,
            store=data_store,
            reference=load_reference(units, procedures),
            catalogue=load_feed_catalogue(catalogue),
            report_path=report,
        )
    except ServiceDataError as error:
        raise _fail(error) from None
    _print_import(result, "dòng", data_store)


def _by(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else format_percent(value, 2)


# Columns the terminal table can show (`--columns`): heading, and whether it is a rate.
TABLE_COLUMNS: dict[str, tuple[str, bool]] = {
    "received": ("Tiếp\nnhận", False),
    "handled": ("Đã\nGQ", False),
    "withdrawn": ("Rút\nhồ sơ", False),
    "refused": ("Từ\nchối", False),
    "late": ("Trễ\nhạn", False),
    "processing": ("Đang\nGQ", False),
    "overdue": ("Quá\nhạn", False),
    "on_time_rate": ("Đúng\nhạn %", True),
    "timeliness_766": ("Đúng hạn\n766* %", True),
    "online_rate": ("Trực\ntuyến %", True),
    "online_submission_share": ("Nộp TT/\ntổng %", True),
    "online_payment_rate": ("Thanh\ntoán TT %", True),
    "digitisation_rate": ("Số\nhóa %", True),
    "e_result_rate": ("KQ điện\ntử %", True),
    "satisfaction_rate": ("Hài\nlòng %", True),
    "satisfaction_766": ("Hài lòng\n766* %", True),
    "points": ("Điểm\n766*", False),
}
# Fits an 80-column terminal with a unit's name wrapped; `--columns all` shows every column.
DEFAULT_COLUMNS = ("received", "handled", "late", "on_time_rate", "online_rate", "points")
NAME_WIDTH = 16


def _columns(text: str) -> tuple[str, ...]:
    if text.strip() == "all":
        return tuple(TABLE_COLUMNS)
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in TABLE_COLUMNS]
    if unknown or not names:
        raise typer.BadParameter(
            f"không có cột «{', '.join(unknown)}» (có: all, {', '.join(TABLE_COLUMNS)})"
        )
    return names


def _short_period(row_period: Period) -> str:
    """ "03/2025", "Q.I/2025", "2025", or the range: narrow enough for a terminal column."""
    if row_period.grain == "month":
        return f"{row_period.start:%m/%Y}"
    if row_period.grain == "quarter":
        return row_period.label.removeprefix("Quý ")
    if row_period.grain == "year":
        return str(row_period.start.year)
    return row_period.label


def _print_table(table: IndicatorTable, columns: tuple[str, ...] = DEFAULT_COLUMNS) -> None:
    request = table.request
    key_columns = [
        key
        for key in ("province", "unit_group", "unit_name", "procedure_name")
        if table.rows and key in table.rows[0].keys
    ]
    headings = {
        "province": "Phạm vi",
        "unit_group": "Nhóm",
        "unit_name": "Đơn vị",
        "procedure_name": "Thủ tục",
    }
    if "unit_name" in key_columns and "group" not in request.by:
        key_columns.remove("unit_group")
    with_points = any(row.points is not None for row in table.rows)
    shown = [name for name in columns if name != "points" or with_points]
    grain = request.grain
    period_heading = {"month": "Tháng", "quarter": "Quý", "year": "Năm"}.get(grain or "", "Kỳ")
    cells: dict[str, list[str]] = {name: [] for name in shown}
    for row in table.rows:
        for name in shown:
            if name == "points":
                points = row.points
                cells[name].append(
                    f"{format_number(points.total, 2)}/{format_number(points.scored_max)}"
                    if points is not None
                    else "—"
                )
            elif TABLE_COLUMNS[name][1]:  # the heading says %
                rate = row.rates[name]
                cells[name].append("—" if rate is None else format_number(rate, 2))
            else:
                cells[name].append(_n(row.counts[name]))
    periods = [_short_period(row.period) for row in table.rows]

    def width(heading: str, values: list[str]) -> int:
        lines = heading.split("\n")
        return max([*(len(line) for line in lines), *(len(value) for value in values)]) + 2

    # Figures never wrap and are never cut: when the chosen columns do not fit the terminal
    # beside the names (wrapped at spaces, at least NAME_WIDTH wide), they go on in another
    # table under the first, with the same rows.
    total = console().width
    fixed = width(period_heading, periods) + NAME_WIDTH * len(key_columns) + 1
    chunks: list[list[str]] = [[]]
    used = fixed
    for name in shown:
        needed = width(TABLE_COLUMNS[name][0], cells[name])
        if chunks[-1] and used + needed > total:
            chunks.append([])
            used = fixed
        chunks[-1].append(name)
        used += needed
    for index, chunk in enumerate(chunks):
        title = f"Chỉ số phục vụ {request.start:%d/%m/%Y}–{request.end:%d/%m/%Y}"
        view = Table(
            title=title + (f" (tiếp, {index + 1}/{len(chunks)})" if index else ""),
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            header_style="bold",
        )
        for key in key_columns:
            view.add_column(headings[key], overflow="fold", ratio=1, min_width=NAME_WIDTH - 2)
        view.add_column(period_heading, no_wrap=True)
        for name in chunk:
            view.add_column(TABLE_COLUMNS[name][0], justify="right", no_wrap=True)
        for position, row in enumerate(table.rows):
            view.add_row(
                *[row.keys.get(key, "") for key in key_columns],
                periods[position],
                *[cells[name][position] for name in chunk],
            )
        console().print(view)
    unmeasured = sorted({name for row in table.rows for name in row.unmeasured})
    if unmeasured:
        console().print(
            "— : không có dữ liệu (tệp xuất không có cột cần cho chỉ số) hoặc không phát sinh "
            f"hồ sơ. Không có dữ liệu: {', '.join(unmeasured)}.",
            highlight=False,
        )
    if with_points:
        console().print(
            "* Không chính thức: công thức theo bản tái dựng cách chấm của Cổng DVCQG "
            "(qd766_indicators_unofficial.csv); điểm 766 = điểm đạt/điểm tối đa của các thành phần "
            "có dữ liệu.",
            highlight=False,
        )
        reduced = sorted(
            {
                group.group.code
                for row in table.rows
                if row.points is not None
                for group in row.points.groups
                if group.note
            }
        )
        if reduced:
            console().print(
                f"  Nhóm chấm trên điểm tối đa giảm (thiếu dữ liệu): {', '.join(reduced)}; "
                "chi tiết ở cột points_note của --format json/xlsx.",
                highlight=False,
            )
    console().print(
        f"{len(table.rows)} dòng; dữ liệu: {len(table.batches)} lô; tính lúc "
        f"{moment_text(table.computed_at)}. Chọn cột: --columns "
        f"{','.join(DEFAULT_COLUMNS)} (hoặc all).",
        highlight=False,
    )


@app.command("indicators")
def indicators_command(
    start: Annotated[str, typer.Option("--from", help="Từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy).")],
    end: Annotated[str, typer.Option("--to", help="Đến ngày (tính cả ngày này).")],
    by: Annotated[
        str,
        typer.Option(
            "--by", help="Nhóm theo: unit, group, procedure, province và month, quarter hoặc year."
        ),
    ] = "unit,month",
    output_format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", help="Tệp kết quả (bắt buộc với xlsx, parquet).")
    ] = None,
    unofficial_766: Annotated[
        bool,
        typer.Option(
            "--unofficial-766/--plain",
            help="Điểm 766 theo công thức tái dựng (mặc định) hoặc cách tính đơn giản.",
        ),
    ] = True,
    points: Annotated[
        bool, typer.Option("--points/--no-points", help="Tính điểm kiểu 766.")
    ] = True,
    points_config: Annotated[
        Path | None, typer.Option("--points-config", help="Cấu hình điểm 766 YAML.")
    ] = None,
    store: StoreOption = None,
    units: UnitsOption = None,
    procedures: ProceduresOption = None,
    columns: Annotated[
        str,
        typer.Option(
            "--columns",
            help="Cột của bảng (--format table): all, hoặc danh sách cách nhau bởi dấu phẩy: "
            + ", ".join(TABLE_COLUMNS),
        ),
    ] = ",".join(DEFAULT_COLUMNS),
) -> None:
    """Tính chỉ số (tiếp nhận, đúng hạn, trực tuyến, thanh toán, số hóa, hài lòng…) và điểm 766."""
    if output_format in (OutputFormat.xlsx, OutputFormat.parquet) and output is None:
        raise _fail(f"--format {output_format.value} cần --output TỆP")
    shown_columns = _columns(columns)
    try:
        request = IndicatorRequest(_parse_day(start), _parse_day(end), _by(by))
        reference = load_reference(units, procedures)
        config = load_points_config(points_config) if points else None
        data_store = Store(store)
        source = DossierSource.from_store(data_store)
        if source is None:
            raise ServiceDataError(
                f"chưa có hồ sơ nào trong {data_store.root}: chạy «parindex dossiers import» trước"
            )
        with _stages(3) as stage:
            table = compute_indicators(source, request, reference=reference, on_stage=stage)
            stage("Gắn số liệu khác, tính điểm")
            notes = attach_feeds(table, active_feed_rows(data_store), reference)
            if config is not None:
                attach_points(table.rows, config, plain=not unofficial_766)
    except (ServiceDataError, ValueError) as error:
        raise _fail(error) from None
    for note in notes:
        errors().print(f"Lưu ý: {note}", highlight=False)
    if output_format is OutputFormat.table:
        _print_table(table, shown_columns)
    elif output_format is OutputFormat.json:
        text = to_json(table)
        if output is None:
            console().print_json(text) if console().is_terminal else typer.echo(text)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(output, text)
    elif output_format is OutputFormat.xlsx:
        assert output is not None
        output.parent.mkdir(parents=True, exist_ok=True)
        with atomic.replacing(output) as temporary:
            write_xlsx(table, temporary)
    else:
        assert output is not None
        if not table.rows:
            raise _fail("không có dòng nào để ghi")
        output.parent.mkdir(parents=True, exist_ok=True)
        with atomic.replacing(output) as temporary:
            write_parquet(table, temporary)
    if output is not None:
        console().print(f"Đã ghi {len(records(table))} dòng vào {output}.", highlight=False)


@app.command("drilldown")
def drilldown_command(
    start: Annotated[str, typer.Option("--from", help="Từ ngày.")],
    end: Annotated[str, typer.Option("--to", help="Đến ngày.")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="Số việc mỗi danh sách.")] = 10,
    store: StoreOption = None,
    units: UnitsOption = None,
    procedures: ProceduresOption = None,
) -> None:
    """Đơn vị, thủ tục gây nhiều hồ sơ trễ hạn nhất và có tỷ lệ trực tuyến thấp: việc giao được."""
    try:
        first, last = _parse_day(start), _parse_day(end)
        source = DossierSource.from_store(Store(store))
        if source is None:
            raise ServiceDataError("chưa có hồ sơ nào: chạy «parindex dossiers import» trước")
        reference = load_reference(units, procedures)
        with _stages(2) as stage:
            result = drilldown(
                source, first, last, reference=reference, limit=limit, on_stage=stage
            )
    except (ServiceDataError, ValueError) as error:
        raise _fail(error) from None
    console().print(
        f"[bold]Hồ sơ trễ hạn, quá hạn[/] {first:%d/%m/%Y}–{last:%d/%m/%Y}: "
        f"{_n(result.total_late)} hồ sơ",
        highlight=False,
    )
    for position, item in enumerate(result.late, start=1):
        console().print(f"  {position}. {item.text}", highlight=False, markup=False)
    console().print(
        f"[bold]Hồ sơ nộp trực tiếp dù có dịch vụ công trực tuyến[/]: {_n(result.total_offline)} hồ sơ",
        highlight=False,
    )
    for position, item in enumerate(result.online, start=1):
        console().print(f"  {position}. {item.text}", highlight=False, markup=False)
    console().print(
        "Điểm 766: không chính thức (bản tái dựng cách chấm của Cổng DVCQG).", highlight=False
    )


@app.command("batches")
def batches_command(store: StoreOption = None) -> None:
    """Các lần nhập đã lưu: tệp, SHA-256, số dòng."""
    data_store = Store(store)
    batches = data_store.batches()
    if not batches:
        console().print(f"Chưa có lần nhập nào trong {data_store.root}.", highlight=False)
        return
    view = Table(title=f"Các lần nhập — {data_store.root}", header_style="bold")
    for heading in ("Lô", "Loại", "Tệp", "Lúc nhập", "Đọc", "Nhập", "Loại bỏ", "Thay thế"):
        view.add_column(heading)
    for batch in batches:
        counts = batch.counts
        view.add_row(
            batch.id,
            "hồ sơ" if batch.kind == "dossiers" else "số liệu khác",
            batch.file_name,
            _shown_time(batch.imported_at),
            _n(counts.get("read", 0)),
            _n(counts.get("imported", 0)),
            _n(counts.get("rejected", 0)),
            _n(counts.get("superseded_in_file", 0) + counts.get("superseded_earlier", 0)),
        )
    console().print(view)


@app.command("deadline")
def deadline_command(
    received: Annotated[
        str, typer.Option("--received", help="Thời điểm tiếp nhận, YYYY-MM-DD HH:MM.")
    ],
    days: Annotated[
        int, typer.Option("--days", min=0, help="Thời hạn giải quyết (ngày làm việc).")
    ],
    calendar: Annotated[Path | None, typer.Option("--calendar", help="Cấu hình lịch YAML.")] = None,
) -> None:
    """Tính hạn xử lý theo lịch ngày làm việc (để đối chiếu với hệ thống một cửa)."""
    try:
        moment = datetime.fromisoformat(received.strip())
        working = WorkingCalendar(load_calendar_config(calendar))
    except ValueError:
        raise _fail(f"«{received}» không phải thời điểm YYYY-MM-DD HH:MM") from None
    except ServiceDataError as error:
        raise _fail(error) from None
    effective = working.effective_receiving_day(moment)
    deadline = working.deadline_for(moment, days)
    console().print(
        f"Tiếp nhận {moment:%d/%m/%Y %H:%M} → tính từ ngày {effective:%d/%m/%Y} "
        f"(giờ chốt {working.cutoff:%H:%M}); hạn xử lý {deadline:%d/%m/%Y %H:%M}",
        highlight=False,
    )
    day = effective
    skipped: list[str] = []
    while day < deadline.date():
        day = date.fromordinal(day.toordinal() + 1)
        reason = working.day_off_reason(day)
        if reason is not None:
            skipped.append(f"{day:%d/%m} ({reason})")
    if skipped:
        console().print(f"Ngày nghỉ không tính: {', '.join(skipped)}", highlight=False)
