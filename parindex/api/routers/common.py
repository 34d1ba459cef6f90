"""What the routers share: the error responses every operation documents, and parameter types
bounded so that no value of the right type can fail in the database (an id past 64 bits, a
NUL character that PostgreSQL refuses in text)."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Path, Query
from ninja.responses import codes_4xx

from parindex.api.errors import ErrorOut

MAX_ID = 2**63 - 1
# Path ids of database objects.
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# Free-text query parameters (search words, codes).
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Query(max_length=200, pattern=NO_NUL)]


# Documented on every operation beside ninja's 4xx list (which stops at 412): a body too large,
# a media type not taken, a precondition header missing.
_MORE_4XX = (413, 415, 428)


def responses(ok: Any, status: int = 200, others: dict[int, Any] | None = None) -> dict[Any, Any]:
    """`{200: ok, 4xx: ErrorOut}`: every operation documents the one error shape for 4xx."""
    return {
        status: ok,
        codes_4xx: ErrorOut,
        **dict.fromkeys(_MORE_4XX, ErrorOut),
        **(others or {}),
    }
