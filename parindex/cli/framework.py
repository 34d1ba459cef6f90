"""`parindex framework …`: check, show and convert criteria-framework files.

Thin commands: reading, validation and writing live in `parindex.frameworks`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from parindex.engine import Framework, FrameworkError, Node, format_number
from parindex.frameworks import FrameworkFileError, convert_framework, load_framework

app = typer.Typer(
    no_args_is_help=True,
    help="Bộ tiêu chí: kiểm tra, xem cây mục, chuyển đổi YAML ↔ Excel.",
)

_SOURCES = {"self": "tự chấm", "survey": "điều tra XHH", "data": "dữ liệu", "system": "hệ thống"}
_KINDS = {"bonus": "điểm thưởng", "penalty": "điểm trừ"}

FileArgument = Annotated[Path, typer.Argument(help="Tệp bộ tiêu chí (.yaml, .yml hoặc .xlsx).")]


def _fail(error: FrameworkError | FrameworkFileError, path: Path) -> typer.Exit:
    """Print what went wrong, every problem on its own line with its location; exit 1."""
    console = Console(stderr=True, highlight=False)
    if isinstance(error, FrameworkFileError):
        console.print(Text(f"Lỗi: {error}"), soft_wrap=True)
    else:
        count = len(error.problems)
        console.print(Text(f"Không hợp lệ: {count} lỗi trong «{path}»"), soft_wrap=True)
        for problem in error.problems:
            console.print(Text(f"  {problem}"), soft_wrap=True)
    return typer.Exit(code=1)


def _load(path: Path) -> Framework:
    try:
        return load_framework(path)
    except (FrameworkError, FrameworkFileError) as error:
        raise _fail(error, path) from None


def _summary(framework: Framework) -> str:
    info = framework.info
    nodes = list(framework.walk())
    leaves = sum(1 for node in nodes if node.is_leaf)
    return (
        f"«{info.name}» (mã {info.code}, năm {info.year}, {info.unit_group}): "
        f"{len(nodes)} mục, {len(framework.areas)} lĩnh vực, {leaves} mục chấm điểm; "
        f"tổng điểm tối đa {format_number(info.max_total)}"
    )


@app.command()
def validate(file: FileArgument) -> None:
    """Kiểm tra một bộ tiêu chí; in mọi lỗi kèm vị trí (dòng, hoặc trang!ô)."""
    framework = _load(file)
    Console(highlight=False).print(Text(f"Hợp lệ: {_summary(framework)}."), soft_wrap=True)


def _label(node: Node) -> Text:
    label = Text()
    label.append(node.code, style="bold")
    label.append(f" {node.title} ")
    label.append(f"[{format_number(node.max_points)} đ]", style="cyan")
    details: list[str] = []
    if node.kind in _KINDS:
        details.append(_KINDS[node.kind])
    if node.alternatives:
        details.append("lấy mục con cao nhất")
    if node.rule is not None:
        details.append(f"quy tắc {node.rule.name}")
        source = _SOURCES.get(node.source, node.source)
        details.append(f"{source}: {node.indicator}" if node.indicator else source)
    if node.evidence_required:
        details.append("cần tài liệu kiểm chứng")
    details.extend(f"#{tag}" for tag in node.tags)
    if details:
        label.append(" " + " · ".join(details), style="dim")
    return label


@app.command()
def show(
    file: FileArgument,
    depth: Annotated[
        int, typer.Option("--depth", "-d", min=0, help="Chỉ hiện đến cấp này (0: tất cả).")
    ] = 0,
) -> None:
    """In cây mục của bộ tiêu chí: mã, nội dung, điểm tối đa, quy tắc, nguồn điểm, nhãn."""
    framework = _load(file)
    info = framework.info
    root_label = Text(f"{info.name} — {info.year} — {info.unit_group}", style="bold")
    root_label.append(f"\ntổng điểm tối đa {format_number(info.max_total)}", style="dim")
    classes = ", ".join(
        f"{band.label} ≥ {format_number(band.min_percent)} %" for band in info.class_bands
    )
    root_label.append(f"\nxếp loại: {classes}", style="dim")
    tree = Tree(root_label)
    branches: dict[str, Tree] = {}
    for node in framework.walk():
        if depth and node.depth > depth:
            continue
        parent = branches[node.parent] if node.parent else tree
        branches[node.code] = parent.add(_label(node))
    console = Console(highlight=False)
    console.print(tree)
    if info.status_note:
        console.print(Text(info.status_note, style="italic"))


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="Tệp nguồn (.yaml, .yml hoặc .xlsx).")],
    target: Annotated[Path, typer.Argument(help="Tệp đích; định dạng theo đuôi tệp.")],
    force: Annotated[bool, typer.Option("--force", "-f", help="Ghi đè tệp đích đã có.")] = False,
) -> None:
    """Chuyển bộ tiêu chí giữa YAML và Excel; không ghi gì nếu tệp nguồn có lỗi."""
    try:
        framework = convert_framework(source, target, overwrite=force)
    except (FrameworkError, FrameworkFileError) as error:
        raise _fail(error, source) from None
    Console(highlight=False).print(
        Text(f"Đã ghi «{target}»: {_summary(framework)}."), soft_wrap=True
    )
