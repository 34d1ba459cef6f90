"""The `parindex` command: thin adapters over the engine and the importers."""

from __future__ import annotations

import typer

from .framework import app as framework_app
from .national import app as national_app

app = typer.Typer(
    name="parindex",
    help="parindex: Chỉ số cải cách hành chính (PAR Index) — bộ tiêu chí, chấm điểm, xếp hạng.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(framework_app, name="framework")
app.add_typer(national_app, name="national")


def main() -> None:
    app()
