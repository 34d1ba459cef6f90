"""Row conversion: the raw text columns mapped to the canonical record's typed values.

One `SELECT` (the `parsed` view) maps the vendor's columns and codes to the canonical fields
(`schema.py`): dates in the mapping's formats (the formats that fit the column tried first),
integers, amounts in the mapping's number format, yes/no words and vocabularies compared
without case or diacritics; a value that cannot be read is NULL beside its raw text.
"""

from __future__ import annotations

import duckdb

from ..db import text
from ..mapping import Mapping
from ..schema import FIELDS_BY_NAME


def _key(expression: str) -> str:
    """The comparable form of a code value (`mapping.fold_value`: no case, no diacritics); a
    blank cell matches no spelling and stays NULL."""
    return f"replace(strip_accents(lower(nfc_normalize(trim({expression})))), 'đ', 'd')"


def _name_key(expression: str) -> str:
    """The comparable form of a unit code or name (`mapping.normalise_value`)."""
    return f"lower(nfc_normalize(trim({expression})))"


def _vocabulary_case(key: str, table: dict[str, str]) -> str:
    cases = " ".join(
        f"WHEN {text(spelling)} THEN {text(value)}" for spelling, value in table.items()
    )
    return f"CASE {key} {cases} END"


def _ranked_formats(
    connection: duckdb.DuckDBPyConnection, field: str, mapping: Mapping
) -> tuple[str, ...]:
    """The mapping's date formats, those that fit a sample of this column first.

    A failed `try_strptime` costs about ten times a successful one, so each row should meet
    the format it is written in first; formats that fit no sampled value stay at the end for
    the odd row.
    """
    formats = mapping.parse_formats
    counts = ", ".join(f"count(try_strptime(value, {text(fmt)}))" for fmt in formats)
    row = connection.execute(
        f"SELECT {counts} FROM (SELECT trim(t_{field}) AS value FROM raw "
        f"WHERE NULLIF(trim(t_{field}), '') IS NOT NULL LIMIT 2000)"
    ).fetchone()
    hits = list(row) if row else [0] * len(formats)
    order = sorted(range(len(formats)), key=lambda index: (-hits[index], index))
    return tuple(formats[index] for index in order)


def _create_parsed(
    connection: duckdb.DuckDBPyConnection, mapping: Mapping, numeric_fields: frozenset[str]
) -> None:
    """Typed canonical values (NULL when absent or unreadable) beside the raw text."""
    columns: list[str] = ["source_row", "line"]
    shift = mapping.shift_minutes
    for field, spec in FIELDS_BY_NAME.items():
        mapped = field in mapping.columns
        raw = f"NULLIF(trim(t_{field}), '')" if mapped else "CAST(NULL AS VARCHAR)"
        columns.append(f"{raw} AS raw_{field}")
        if spec.kind == "text":
            columns.append(f"{raw} AS {field}")
        elif spec.kind == "timestamp":
            formats = _ranked_formats(connection, field, mapping) if mapped else ()
            attempts = [f"try_strptime({raw}, {text(fmt)})" for fmt in formats]
            parsed = f"COALESCE({', '.join(attempts)})" if attempts else "CAST(NULL AS TIMESTAMP)"
            if shift:
                parsed = f"({parsed} + INTERVAL ({shift}) MINUTE)"
            columns.append(f"{parsed} AS {field}")
        elif spec.kind == "integer":
            columns.append(f"TRY_CAST({raw} AS INTEGER) AS {field}")
        elif spec.kind == "decimal":
            number = raw
            if mapping.number_format == "vi" and field not in numeric_fields:
                number = f"replace(replace({raw}, '.', ''), ',', '.')"
            columns.append(f"TRY_CAST(replace({number}, ' ', '') AS DECIMAL(18,2)) AS {field}")
        elif spec.kind == "boolean":
            # `CASE key WHEN …` evaluates the key once: several times faster than two IN lists.
            words = dict.fromkeys(mapping.true_values, "TRUE")
            words.update(dict.fromkeys(mapping.false_values, "FALSE"))
            cases = " ".join(f"WHEN {text(word)} THEN {value}" for word, value in words.items())
            # A blank cell of a column the export has is "no"; a column it lacks stays NULL
            # ("no data"). The identity flag is the exception: blank means unknown.
            blank = "FALSE" if mapped and field != "eid_level2" else "NULL"
            columns.append(
                f"CASE WHEN {raw} IS NULL THEN {blank} ELSE CASE {_key(raw)} {cases} END END AS {field}"
            )
        else:
            key = _key(raw)
            parsed = _vocabulary_case(key, mapping.vocabularies[spec.kind])
            if field == "channel" and mapped:  # blank is filed at the desk, as the portal counts
                parsed = f"CASE WHEN {raw} IS NULL THEN 'in_person' ELSE {parsed} END"
            columns.append(f"{parsed} AS {field}")
    columns.append(f"{_name_key('t_unit_code')} AS unit_key")
    # A view: the parsing runs once, inside the `checked` table, instead of holding a third copy.
    connection.execute(f"CREATE TEMP VIEW parsed AS SELECT {', '.join(columns)} FROM raw")
