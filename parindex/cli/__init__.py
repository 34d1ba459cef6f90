"""The `parindex` command: thin adapters over the engine and the importers."""

from __future__ import annotations

import typer

from .dossiers import app as dossiers_app
from .framework import app as framework_app
from .national import app as national_app
from .survey import app as survey_app

app = typer.Typer(
    name="parindex",
    help="parindex: Chỉ số cải cách hành chính (PAR Index) — bộ tiêu chí, chấm điểm, xếp hạng.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(framework_app, name="framework")
app.add_typer(national_app, name="national")
app.add_typer(dossiers_app, name="dossiers")
app.add_typer(survey_app, name="survey")


def main() -> None:
    app()
