"""`parindex national …` (placeholder: filled in by the national work)."""

import typer

app = typer.Typer(no_args_is_help=True)
