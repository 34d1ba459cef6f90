"""Searching units by name without diacritics, the same on SQLite and PostgreSQL.

`Folded(expression)` is the column folded by the database: PostgreSQL computes
`translate(lower(…), FROM, TO)` with the table of `parindex.common.text`; SQLite calls
`parindex_fold`, a function every SQLite connection gets when it opens (`register_fold`,
connected by the units app), which applies the same table. `name_search` keeps the units
whose folded name holds every word of the query (or whose code does).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func, Model, Q, QuerySet

from parindex.common.text import FOLD_FROM, FOLD_TO, fold, fold_column

SQLITE_FUNCTION = "parindex_fold"

M = TypeVar("M", bound=Model)


class Folded(Func):
    """Lower-case text without diacritics ("Đông Sơn" → "dong son"), computed in SQL."""

    output_field = CharField()
    arity = 1

    def as_sql(  # type: ignore[override]  # the folding takes no function or template
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"translate(lower({sql}), %s, %s)", (*params, FOLD_FROM, FOLD_TO)

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{SQLITE_FUNCTION}({sql})", tuple(params)


def register_fold(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver: SQLite connections learn `parindex_fold`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold_column, deterministic=True)


def name_search(
    queryset: QuerySet[M], query: str, name: str = "name", code: str = "code"
) -> QuerySet[M]:
    """The rows whose folded `name` contains every word of `query` (any order), or whose
    `code` contains it; the whole queryset for an empty query."""
    words = fold(query).split()
    if not words:
        return queryset
    folded: QuerySet[M] = queryset.annotate(_folded_name=Folded(name))  # type: ignore[assignment]
    matches = Q()
    for word in words:
        matches &= Q(_folded_name__contains=word)
    if code:
        matches |= Q(**{f"{code}__icontains": query.strip()})
    return folded.filter(matches)
