"""`parindex dossiers …` (placeholder: filled in by the dossiers work)."""

import typer

app = typer.Typer(no_args_is_help=True)
