"""`parindex survey …`: XLSForm questionnaires, response imports, integrity and results.

Thin commands over `parindex.surveys`; see docs/surveys.md.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections import Counter
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from parindex.common.dates import moment_text
from parindex.common.spreadsheet import inert_table
from parindex.engine import Framework, FrameworkError, Problem, format_number, format_percent
from parindex.surveys.errors import SurveyError
from parindex.surveys.integrity import RULE_TITLES
from parindex.surveys.render import print_results, results_json, write_results_xlsx
from parindex.surveys.responses import anonymise, write_csv
from parindex.surveys.sampling import progress
from parindex.surveys.scoring import ScoringOptions, framework_problems
from parindex.surveys.store import SurveyStore
from parindex.surveys.xlsform import validate_xlsform

app = typer.Typer(
    no_args_is_help=True,
    help="Điều tra xã hội học: biểu mẫu XLSForm, nhập phiếu, kiểm tra, kết quả.",
)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Thư mục kho (mặc định $PARINDEX_DATA_DIR/surveys hoặc var/surveys)"
    ),
]
FrameworkOption = Annotated[
    Path | None, typer.Option("--framework", help="Bộ tiêu chí (.yaml/.xlsx) để tính điểm")
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


class Method(StrEnum):
    normal = "normal"
    bootstrap = "bootstrap"


def _console() -> Console:
    return Console(width=max(100, Console().width), soft_wrap=False)


def _fail(problems: list[Problem], heading: str) -> NoReturn:
    typer.echo(heading, err=True)
    for problem in problems:
        typer.echo(f"  {problem}", err=True)
    raise typer.Exit(1)


def _load_framework(path: Path) -> Framework:
    """Read a framework file through parindex.frameworks (YAML or Excel)."""
    from parindex.frameworks import FrameworkFileError, load_framework

    try:
        return load_framework(path)
    except FrameworkError as error:
        _fail(error.problems, f"Bộ tiêu chí {path} không hợp lệ:")
    except FrameworkFileError as error:
        _fail([Problem(str(path), str(error))], "Không đọc được bộ tiêu chí:")


def _framework_for(store: SurveyStore, path: Path | None) -> Framework | None:
    chosen = path or store.framework_path()
    return _load_framework(chosen) if chosen is not None else None


@app.command()
def validate(
    form: Annotated[Path, typer.Argument(help="Biểu mẫu XLSForm (.xlsx)")],
    framework: FrameworkOption = None,
) -> None:
    """Kiểm tra biểu mẫu XLSForm (và pyxform); lỗi ghi rõ trang tính, dòng, cột."""
    check = validate_xlsform(form)
    problems = list(check.problems)
    if check.form is not None and framework is not None:
        problems += framework_problems(check.form, _load_framework(framework))
    if problems or check.form is None:
        unsupported = len(check.unsupported)
        detail = f" ({unsupported} tính năng chưa được hỗ trợ)" if unsupported else ""
        _fail(problems, f"Biểu mẫu {form} có {len(problems)} lỗi{detail}:")
    survey = check.form
    languages = ", ".join(language or "(mặc định)" for language in survey.languages)
    typer.echo(
        f"Hợp lệ: «{survey.title}» ({survey.form_id}, phiên bản {survey.version or '—'}):"
        f" {len(survey.answer_questions)} câu hỏi, {len(survey.scored_questions)} câu chấm điểm"
        f" cho {len(survey.nodes)} tiêu chí ({', '.join(survey.nodes)}); ngôn ngữ: {languages}."
    )
    for warning in check.warnings:
        typer.echo(f"  Lưu ý: {warning}")


@app.command("import")
def import_responses(
    form: Annotated[Path, typer.Argument(help="Biểu mẫu XLSForm (.xlsx)")],
    responses: Annotated[
        Path, typer.Argument(help="Tệp phiếu xuất từ ODK Central/Kobo (.csv/.xlsx/.zip)")
    ],
    store: StoreOption = None,
    framework: FrameworkOption = None,
    show: Annotated[int, typer.Option(help="Số dòng bị từ chối in ra")] = 20,
) -> None:
    """Nhập phiếu trả lời; in đối chiếu số dòng, dòng bị từ chối và các cảnh báo kiểm tra."""
    survey_store = SurveyStore(store)
    try:
        if framework is not None:
            loaded = _load_framework(framework)
            from parindex.surveys.xlsform import read_xlsform

            problems = framework_problems(read_xlsform(form), loaded)
            if problems:
                _fail(problems, "Biểu mẫu không khớp bộ tiêu chí:")
        outcome = survey_store.import_responses(form, responses)
        if framework is not None:
            survey_store.save_framework(framework)
    except SurveyError as error:
        _fail(error.problems, "Không nhập được:")
    if outcome.duplicate_of is not None:
        batch = outcome.duplicate_of
        typer.echo(
            f"Tệp {responses} đã được nhập lúc {moment_text(batch.imported_at)} (lô {batch.batch}):"
            " không thay đổi gì."
        )
        return
    result = outcome.result
    assert result is not None
    edits = (f" + bản sửa thay bản cũ {result.replaced}" if result.replaced else "") + (
        f" + bản cũ có bản sửa trong tệp {result.superseded}" if result.superseded else ""
    )
    typer.echo(
        f"Đọc {result.read} dòng = nhập {result.imported}{edits} + đã có trong kho"
        f" {result.already_present} + từ chối {len(result.rejected)}"
        f" (biểu mẫu {outcome.form.form_id}, kho {survey_store.root})."
    )
    for replacement in result.replacements[:show]:
        typer.echo(
            f"  Phiếu {replacement.response_id} (mã {replacement.submission_id}) được sửa:"
            f" bản {replacement.instance or '—'} thay bản {replacement.previous_instance or '—'}"
        )
    for note in result.notes:
        typer.echo(f"  Lưu ý: {note}")
    if result.ignored_columns:
        typer.echo(
            f"Bỏ qua {len(result.ignored_columns)} cột không thuộc biểu mẫu (không lưu):"
            f" {', '.join(result.ignored_columns)}"
        )
    if result.missing_columns:
        typer.echo(f"Thiếu cột (để trống): {', '.join(result.missing_columns)}")
    for rejected in result.rejected[:show]:
        typer.echo(f"  Từ chối {rejected}")
    if len(result.rejected) > show:
        typer.echo(f"  … và {len(result.rejected) - show} dòng khác")
    flags = survey_store.flags()
    status = survey_store.statuses()
    excluded = sum(1 for s in status.values() if s.excluded)
    if flags:
        counts = Counter(flag.rule for flag in flags)
        typer.echo(
            f"Kiểm tra tính xác thực (toàn bộ kho): {len(flags)} cảnh báo, {excluded} phiếu bị loại"
        )
        for rule, count in counts.items():
            typer.echo(f"  {RULE_TITLES[rule]} [{rule}]: {count}")
        typer.echo("Xem chi tiết: parindex survey flags")


@app.command()
def results(
    store: StoreOption = None,
    framework: FrameworkOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option("--output", help="Tệp kết quả")] = None,
    confidence: Annotated[float, typer.Option(min=0.5, max=0.999)] = 0.95,
    method: Annotated[Method, typer.Option(help="Cách tính khoảng tin cậy")] = Method.normal,
    resamples: Annotated[int, typer.Option(min=100)] = 2000,
    seed: int = 20250101,
) -> None:
    """Tỷ lệ hài lòng, điểm các tiêu chí điều tra và khoảng tin cậy theo đơn vị."""
    survey_store = SurveyStore(store)
    loaded = _framework_for(survey_store, framework)
    options = ScoringOptions(
        confidence=confidence, method=method.value, resamples=resamples, seed=seed
    )
    try:
        outcome = survey_store.results(loaded, options)
    except SurveyError as error:
        _fail(error.problems, "Không tính được kết quả:")
    if output_format is OutputFormat.xlsx:
        if output is None:
            _fail([Problem("--output", "định dạng xlsx cần --output TỆP.xlsx")], "Thiếu tham số:")
        write_results_xlsx(outcome, output)
        typer.echo(f"Đã ghi {output}")
        return
    if output_format is OutputFormat.json:
        text = json.dumps(results_json(outcome), ensure_ascii=False, indent=2)
        if output is None:
            sys.stdout.write(text + "\n")
        else:
            temporary = output.with_name(f".{output.name}.tmp")
            temporary.write_text(text + "\n", encoding="utf-8")
            temporary.replace(output)
            typer.echo(f"Đã ghi {output}")
        return
    if loaded is None:
        typer.echo("Chưa có bộ tiêu chí (--framework): chỉ tính tỷ lệ, chưa tính điểm.")
    print_results(outcome, _console())


@app.command()
def flags(
    store: StoreOption = None,
    rule: Annotated[str | None, typer.Option(help="Chỉ một quy tắc")] = None,
) -> None:
    """Các phiếu bị cảnh báo hoặc đã có quyết định loại/khôi phục, với trạng thái hiện tại."""
    survey_store = SurveyStore(store)
    status = survey_store.statuses()
    table = Table(title="Phiếu cần xem xét", title_justify="left")
    for column in ("Mã phiếu", "Quy tắc", "Lý do", "Trạng thái"):
        table.add_column(column)
    shown = 0
    for response, state in sorted(status.items()):
        if rule and all(flag.rule != rule for flag in state.flags):
            continue
        shown += 1
        rules = ", ".join(sorted({flag.rule for flag in state.flags})) or "—"
        reasons = "; ".join(flag.reason for flag in state.flags) or "—"
        if state.excluded:
            verdict = f"bị loại ({'thẩm định viên' if state.basis == 'appraiser' else state.basis})"
        else:
            verdict = "được tính" + (" (đã khôi phục)" if state.basis == "appraiser" else "")
        table.add_row(response, rules, reasons, verdict)
    _console().print(table)
    typer.echo(f"{shown} phiếu.")


def _decide(
    action: str, response_id: str, reason: str, actor: str | None, store: Path | None
) -> None:
    survey_store = SurveyStore(store)
    try:
        event = survey_store.decide(action, response_id, reason, actor or getpass.getuser())
    except SurveyError as error:
        _fail(error.problems, "Không thực hiện được:")
    verb = "Đã loại" if action == "exclude" else "Đã khôi phục"
    typer.echo(f"{verb} phiếu {event.response_id} ({event.actor}, {event.at}): {event.reason}")


@app.command()
def exclude(
    response_id: Annotated[str, typer.Argument(help="Mã phiếu (xem `survey flags`)")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do (bắt buộc)")],
    actor: Annotated[str | None, typer.Option(help="Người quyết định")] = None,
    store: StoreOption = None,
) -> None:
    """Loại một phiếu khỏi kết quả (ghi vào nhật ký, không xóa phiếu)."""
    _decide("exclude", response_id, reason, actor, store)


@app.command()
def reinstate(
    response_id: Annotated[str, typer.Argument(help="Mã phiếu")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do (bắt buộc)")],
    actor: Annotated[str | None, typer.Option(help="Người quyết định")] = None,
    store: StoreOption = None,
) -> None:
    """Khôi phục một phiếu đã bị loại (ghi vào nhật ký)."""
    _decide("reinstate", response_id, reason, actor, store)


@app.command("progress")
def show_progress(
    plan: Annotated[Path | None, typer.Option(help="Kế hoạch mẫu CSV (lưu vào kho)")] = None,
    store: StoreOption = None,
    confidence: Annotated[float, typer.Option(min=0.5, max=0.999)] = 0.95,
) -> None:
    """Tiến độ thu phiếu so với chỉ tiêu, và sai số tối đa ở độ tin cậy đã chọn."""
    survey_store = SurveyStore(store)
    try:
        targets = survey_store.save_plan(plan) if plan is not None else survey_store.plan()
        counts = survey_store.counts()
    except SurveyError as error:
        _fail(error.problems, "Không đọc được:")
    if not targets:
        _fail([Problem(str(survey_store.plan_path), "chưa có kế hoạch mẫu")], "Thiếu --plan:")
    table = Table(title="Tiến độ thu phiếu", title_justify="left")
    for column in ("Đơn vị", "Nhóm", "Chỉ tiêu", "Đã thu", "Hợp lệ", "Đạt", "Sai số ±"):
        table.add_column(column, justify="left" if column in ("Đơn vị", "Nhóm") else "right")
    for row in progress(targets, counts, confidence):
        margin = "—" if row.valid == 0 else format_percent(Decimal(str(row.margin * 100)), 1)
        table.add_row(
            row.unit,
            row.group,
            str(row.target),
            str(row.collected),
            str(row.valid),
            format_percent(Decimal(str(row.percent)), 0),
            margin,
        )
    _console().print(table)
    typer.echo(
        f"Sai số tính cho một tỷ lệ (p = 0,5) ở độ tin cậy"
        f" {format_number(Decimal(str(confidence * 100)))} %."
    )


@app.command()
def export(
    output: Annotated[Path, typer.Argument(help="Tệp CSV ẩn danh")],
    store: StoreOption = None,
) -> None:
    """Xuất phiếu đã ẩn danh (không mã phiếu gốc, thiết bị, giờ chính xác, câu cá nhân)."""
    survey_store = SurveyStore(store)
    tables = [(form, table) for form, table in survey_store.response_table() if table.num_rows]
    if not tables:
        _fail([Problem(str(survey_store.root), "kho chưa có phiếu")], "Không có gì để xuất:")
    outputs = []
    for form, table in tables:
        destination = (
            output if len(tables) == 1 else output.with_stem(f"{output.stem}_{form.form_id}")
        )
        temporary = destination.with_name(f".{destination.name}.tmp")
        write_csv(inert_table(anonymise(form, table)), temporary)  # no live formula in Excel
        temporary.replace(destination)
        outputs.append(f"{destination} ({table.num_rows} phiếu)")
    typer.echo(f"Đã ghi {', '.join(outputs)}")
