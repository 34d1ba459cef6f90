"""Repeat groups: the tables that come with an export (ODK Central's `<form>-<repeat>.csv`
linked by `PARENT_KEY` → `KEY`; KoboToolbox's sheets linked by `_parent_index` → `_index`)
folded into one JSON column per repeat group of the main table: a list of entries, each an
object of the entry's answers (by field key) and its nested repeats.

Repeat answers are checked like the others; a bad entry rejects its response. They are
stored and exported, never scored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from parindex.surveys.xlsform import RepeatGroup, SurveyForm

from .columns import RawResponses
from .headers import map_columns
from .values import Collector, check_answers

# (key column, parent column) of a repeat table, and the main table's key column.
_LINKS = (("KEY", "PARENT_KEY"), ("_index", "_parent_index"))
_COPY = re.compile(r"~\d+$")
_SHEET_NAME_LIMIT = 31  # Excel truncates sheet names (Kobo names a repeat's sheet after it)


@dataclass
class _Entry:
    main_row: int
    values: dict[str, Any]


def _walk(
    repeats: tuple[RepeatGroup, ...],
    parent: RepeatGroup | None = None,
    above: tuple[str, ...] = (),
) -> Iterator[tuple[RepeatGroup, RepeatGroup | None, tuple[str, ...]]]:
    """Every repeat group, parents first, with its parent and the path above its fields."""
    for repeat in repeats:
        inside = (*above, *repeat.path)
        yield repeat, parent, inside
        yield from _walk(repeat.repeats, repeat, inside)


def _match(table: str, repeats: list[RepeatGroup], taken: set[int]) -> RepeatGroup | None:
    name = _COPY.sub("", table)
    for test in (
        lambda r: r.name == name,
        lambda r: name.endswith("-" + r.name) or name.endswith("/" + r.name),
        lambda r: len(name) == _SHEET_NAME_LIMIT and r.name.startswith(name),
    ):
        for repeat in repeats:
            if id(repeat) not in taken and test(repeat):
                return repeat
    return None


def fold_repeats(
    form: SurveyForm, raw: RawResponses, collector: Collector, notes: list[str]
) -> dict[str, pa.Array]:
    """One JSON column per top-level repeat group (None where a response has no entry)."""
    size = raw.size
    if not form.repeats:
        if raw.repeats:
            notes.append(
                f"bỏ qua {len(raw.repeats)} bảng nhóm lặp: biểu mẫu không có nhóm lặp"
                f" ({', '.join(raw.repeats)})"
            )
        return {}
    walked = list(_walk(form.repeats))
    candidates = [repeat for repeat, _, _ in walked]
    tables: dict[int, RawResponses] = {}
    taken: set[int] = set()
    for name, table in raw.repeats.items():
        repeat = _match(name, candidates, taken)
        if repeat is None:
            notes.append(f"bỏ qua bảng «{name}»: không ứng với nhóm lặp nào của biểu mẫu")
            continue
        taken.add(id(repeat))
        tables[id(repeat)] = table

    main_keys: dict[str, int] = {}
    for key_column, _ in _LINKS:
        if key_column in raw.columns:
            for index, value in enumerate(raw.columns[key_column].to_pylist()):
                if value is not None:
                    main_keys.setdefault(value, index)
            break

    entries: dict[int, dict[str, _Entry]] = {}  # repeat → its entries by key
    lists: dict[tuple[int, int | str], list[dict[str, Any]]] = {}  # (repeat, parent) → entries
    for repeat, parent, inside in walked:  # parents before children
        found = tables.get(id(repeat))
        if found is None:
            continue
        table = found
        link = next(((k, p) for k, p in _LINKS if k in table.columns and p in table.columns), None)
        if link is None:
            notes.append(
                f"bỏ qua bảng {table.origin}: thiếu cột liên kết (PARENT_KEY và KEY, hoặc"
                " _parent_index và _index)"
            )
            continue
        key_column, parent_column = link
        own_keys = table.columns[key_column].to_pylist()
        parent_keys = table.columns[parent_column].to_pylist()
        parent_entries = entries.get(id(parent)) if parent is not None else None
        main_rows: list[int | None] = []
        for parent_key in parent_keys:
            if parent is None:
                main_rows.append(main_keys.get(parent_key) if parent_key is not None else None)
            else:
                holder = (parent_entries or {}).get(parent_key) if parent_key is not None else None
                main_rows.append(holder.main_row if holder is not None else None)
        columns = map_columns(table.headers, repeat.fields, prefix=inside)
        sub_collector = Collector(table.size)
        for item in repeat.fields:
            header = columns.fields.get(item.key)
            if header is None:
                continue
            check_answers(
                form,
                item.question,
                table.columns[header],
                header,
                sub_collector,
                where=_located(table),
            )
        for index, messages in sub_collector.messages.items():
            main_row = main_rows[index]
            if main_row is not None:
                collector.messages.setdefault(main_row, []).extend(messages)
                collector.bad[main_row] = True
        values = {key: table.columns[header].to_pylist() for key, header in columns.fields.items()}
        orphans = 0
        own: dict[str, _Entry] = {}
        for index, main_row in enumerate(main_rows):
            if main_row is None:
                orphans += 1
                continue
            entry = {
                key: column[index] for key, column in values.items() if column[index] is not None
            }
            record = _Entry(main_row, entry)
            if own_keys[index] is not None:
                own[own_keys[index]] = record
            owner: int | str = main_row if parent is None else parent_keys[index]
            lists.setdefault((id(repeat), owner), []).append(entry)
            for child in repeat.repeats:
                entry.setdefault(child.key, [])
        entries[id(repeat)] = own
        if orphans:
            notes.append(f"bỏ qua {orphans} dòng của {table.origin}: không có phiếu chứa nó")
        # Nested entries are attached to their parent's object once the parent is built.
        if parent is not None:
            for (repeat_id, owner), items in list(lists.items()):
                if repeat_id != id(repeat):
                    continue
                holder = (parent_entries or {}).get(str(owner)) if owner is not None else None
                if holder is not None:
                    holder.values[repeat.key] = items
    result: dict[str, pa.Array] = {}
    for repeat in form.repeats:
        texts: list[str | None] = [None] * size
        for (repeat_id, owner), items in lists.items():
            if repeat_id == id(repeat) and isinstance(owner, int):
                texts[owner] = json.dumps(_pruned(items), ensure_ascii=False)
        result[repeat.key] = pa.array(texts, type=pa.string())
    return result


def _located(table: RawResponses) -> Callable[[int], str]:
    def where(index: int) -> str:
        return f"{table.origin}:{int(table.rows[index])}"

    return where


def _pruned(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries without the empty lists of nested repeats that had no entry."""
    return [
        {
            key: (_pruned(value) if isinstance(value, list) else value)
            for key, value in item.items()
            if value != []
        }
        for item in items
    ]


def drop_personal(repeat: RepeatGroup, text: str | None) -> str | None:
    """A repeat column's JSON without the fields marked `personal` (for anonymised exports)."""
    if text is None:
        return None
    try:
        items = json.loads(text)
    except ValueError:
        return None

    def clean(group: RepeatGroup, entries: Any) -> list[dict[str, Any]]:
        kept = []
        secret = {f.key for f in group.fields if f.question.is_personal}
        children = {child.key: child for child in group.repeats}
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            item = {}
            for key, value in entry.items():
                if key in secret:
                    continue
                item[key] = clean(children[key], value) if key in children else value
            kept.append(item)
        return kept

    return json.dumps(clean(repeat, items), ensure_ascii=False)
