"""`parindex survey …` (placeholder: filled in by the survey work)."""

import typer

app = typer.Typer(no_args_is_help=True)
