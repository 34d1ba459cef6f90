"""`parindex national …`: the national PAR INDEX analysis of a province from published results.

A thin adapter: reading, analysis and rendering live in `parindex.national`; the plan
(`parindex national plan`) in `parindex.planning.national`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from parindex.common import atomic
from parindex.national import (
    NationalReportError,
    ResultsImportError,
    national_report,
    print_table,
    read_results,
    render_json,
    render_xlsx,
    table_text,
)
from parindex.national.narrative import NarrativeError, load_templates, national_narrative
from parindex.planning import PlanningError, national_plan, plan_text, print_plan, render_plan_json

# Bad input (unreadable file, unknown unit or year, missing --output) exits with 2,
# the status typer itself uses for a wrong command line.
BAD_INPUT = 2
MAX_PROBLEMS_SHOWN = 40

app = typer.Typer(
    no_args_is_help=True,
    help="Phân tích Chỉ số CCHC cấp tỉnh (PAR INDEX) từ kết quả Bộ Nội vụ công bố.",
)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


class PlanFormat(StrEnum):
    table = "table"
    json = "json"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Lỗi: {message}", err=True)
    return typer.Exit(code=BAD_INPUT)


def _problems_text(error: ResultsImportError) -> str:
    """Every problem, up to a screenful: a wrong separator can make each row wrong."""
    shown = error.problems[:MAX_PROBLEMS_SHOWN]
    lines = [f"{len(error.problems)} lỗi trong dữ liệu kết quả:"]
    lines += [f"  {problem}" for problem in shown]
    if len(error.problems) > len(shown):
        lines.append(f"  … và {len(error.problems) - len(shown)} lỗi khác")
    return "\n".join(lines)


@app.command("report")
def report(
    year: Annotated[int, typer.Option("--year", help="Năm của kết quả cần phân tích.")],
    unit: Annotated[str, typer.Option("--unit", help="Tên tỉnh, thành phố, ví dụ «Bắc Kạn».")],
    results: Annotated[
        list[Path] | None,
        typer.Option(
            "--results",
            "-r",
            help="Tệp kết quả dạng dài (CSV hoặc XLSX); có thể nêu nhiều tệp: "
            "--results a.csv b.csv, hoặc lặp lại --results.",
            show_default=False,
        ),
    ] = None,
    more_results: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Các tệp kết quả tiếp theo (sau --results).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    compare_to: Annotated[
        int | None, typer.Option("--compare-to", help="Năm so sánh, ví dụ 2021.")
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Dạng kết quả.")
    ] = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Ghi ra tệp (bắt buộc với xlsx).", dir_okay=False),
    ] = None,
) -> None:
    """Vị trí, biến động và dư địa cải thiện của một tỉnh trong Chỉ số CCHC."""
    files = [*(results or []), *(more_results or [])]
    if not files:
        raise _fail("cần ít nhất một tệp kết quả: --results TỆP [TỆP …]")
    if output_format is OutputFormat.xlsx and output is None:
        raise _fail("định dạng xlsx cần --output TỆP.xlsx")
    if output is not None and not output.parent.is_dir():
        raise _fail(f"{output}: thư mục «{output.parent}» không tồn tại")
    try:
        analysis = national_report(read_results(files), year, unit, compare_to)
    except ResultsImportError as error:
        raise _fail(_problems_text(error)) from None
    except NationalReportError as error:
        raise _fail(str(error)) from None

    if output_format is not OutputFormat.table:
        for warning in analysis.warnings:
            typer.echo(f"Cảnh báo: {warning}", err=True)
    if output_format is OutputFormat.xlsx:
        assert output is not None
        atomic.write_bytes(output, render_xlsx(analysis))
    elif output_format is OutputFormat.json:
        text = render_json(analysis)
        if output is None:
            sys.stdout.write(text)
        else:
            atomic.write_bytes(output, text.encode("utf-8"))
    elif output is None:
        print_table(analysis, Console(file=sys.stdout, highlight=False))
    else:
        atomic.write_bytes(output, table_text(analysis).encode("utf-8"))
    if output is not None:
        typer.echo(f"Đã ghi {output}", err=True)


@app.command("narrative")
def narrative(
    year: Annotated[int, typer.Option("--year", help="Năm của kết quả cần phân tích.")],
    unit: Annotated[str, typer.Option("--unit", help="Tên tỉnh, thành phố, ví dụ «Bắc Kạn».")],
    results: Annotated[
        list[Path] | None,
        typer.Option(
            "--results",
            "-r",
            help="Tệp kết quả dạng dài (CSV hoặc XLSX); có thể nêu nhiều tệp.",
            show_default=False,
        ),
    ] = None,
    more_results: Annotated[
        list[Path] | None,
        typer.Argument(help="Các tệp kết quả tiếp theo.", show_default=False, metavar="FILE"),
    ] = None,
    compare_to: Annotated[
        int | None, typer.Option("--compare-to", help="Năm so sánh, ví dụ 2021.")
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Thư mục mẫu câu của tỉnh (narrative/national.txt), thay mẫu có sẵn.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Văn bản phân tích vị trí của tỉnh (mọi số liệu lấy từ dữ liệu, câu chữ theo mẫu)."""
    files = [*(results or []), *(more_results or [])]
    if not files:
        raise _fail("cần ít nhất một tệp kết quả: --results TỆP [TỆP …]")
    try:
        analysis = national_report(read_results(files), year, unit, compare_to)
        text = national_narrative(
            analysis, load_templates("national", [templates] if templates else [])
        )
    except ResultsImportError as error:
        raise _fail(_problems_text(error)) from None
    except (NationalReportError, NarrativeError) as error:
        raise _fail(str(error)) from None
    typer.echo(text)


@app.command("plan")
def plan(
    year: Annotated[int, typer.Option("--year", help="Năm của kết quả.")],
    unit: Annotated[str, typer.Option("--unit", help="Tên tỉnh, thành phố, ví dụ «Bắc Kạn».")],
    target_rank: Annotated[
        int, typer.Option("--target-rank", help="Hạng muốn đạt, ví dụ 40.", min=1)
    ],
    results: Annotated[
        list[Path] | None,
        typer.Option(
            "--results",
            "-r",
            help="Tệp kết quả dạng dài (CSV hoặc XLSX); có thể nêu nhiều tệp.",
            show_default=False,
        ),
    ] = None,
    more_results: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Các tệp kết quả tiếp theo (sau --results).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    output_format: Annotated[
        PlanFormat, typer.Option("--format", help="Dạng kết quả.")
    ] = PlanFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Ghi ra tệp thay vì màn hình.", dir_okay=False),
    ] = None,
) -> None:
    """Số điểm cần thêm để đạt một hạng, dư địa từng lĩnh vực và cách chia đề xuất."""
    files = [*(results or []), *(more_results or [])]
    if not files:
        raise _fail("cần ít nhất một tệp kết quả: --results TỆP [TỆP …]")
    if output is not None and not output.parent.is_dir():
        raise _fail(f"{output}: thư mục «{output.parent}» không tồn tại")
    try:
        the_plan = national_plan(read_results(files), year, unit, target_rank)
    except ResultsImportError as error:
        raise _fail(_problems_text(error)) from None
    except (NationalReportError, PlanningError) as error:
        raise _fail(str(error)) from None

    if output_format is PlanFormat.json:
        for warning in the_plan.warnings:
            typer.echo(f"Cảnh báo: {warning}", err=True)
        text = render_plan_json(the_plan)
    elif output is None:
        print_plan(the_plan, Console(file=sys.stdout, highlight=False))
        return
    else:
        text = plan_text(the_plan)
    if output is None:
        sys.stdout.write(text)
    else:
        atomic.write_bytes(output, text.encode("utf-8"))
        typer.echo(f"Đã ghi {output}", err=True)
