"""`parindex framework …` (placeholder: filled in by the framework work)."""

import typer

app = typer.Typer(no_args_is_help=True)
