"""Response tables turned into NumPy columns a batch of rows at a time: an answer becomes its
choice's position through its column's dictionary (a lookup over the few distinct texts, not
per row), unit, group and source become codes, times float seconds.

Batches (64 Ki rows) keep the memory small and reused: reading a million responses whole
would take some hundred megabytes at once, which a virtual machine pays for page by page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import DTypeLike

from parindex.surveys.xlsform import SurveyForm

from .columns import COPY_OF, ENDED, GROUP, RESPONSE_ID, SOURCE, STARTED, SUBMITTED, UNIT

BATCH_ROWS = 1 << 16
_TIMES = (STARTED, ENDED, SUBMITTED)


def _dictionary_chunks(column: pa.ChunkedArray | pa.Array) -> list[pa.DictionaryArray]:
    chunks = list(column.chunks) if isinstance(column, pa.ChunkedArray) else [column]
    out = []
    for chunk in chunks:
        if pa.types.is_dictionary(chunk.type):
            out.append(chunk)
        elif pa.types.is_null(chunk.type):
            out.append(
                pa.DictionaryArray.from_arrays(
                    pa.nulls(len(chunk), pa.int32()), pa.array([], pa.string())
                )
            )
        else:
            out.append(chunk.cast(pa.string()).dictionary_encode())
    return out


def _indices(chunk: pa.DictionaryArray, missing: int) -> np.ndarray:
    """A dictionary chunk's indices as NumPy, `missing` where the value is null."""
    indices = chunk.indices
    if pa.types.is_int32(indices.type):
        values = np.frombuffer(
            indices.buffers()[1], dtype=np.int32, count=len(indices) + indices.offset
        )[indices.offset :]
    else:
        values = indices.to_numpy(zero_copy_only=False)
    if chunk.null_count == 0:
        return values
    valid = np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return np.where(valid, values, missing)


def codes_of(
    column: pa.ChunkedArray | pa.Array, lookup: Mapping[str, int], dtype: DTypeLike = np.int16
) -> np.ndarray:
    """Texts → small integer codes through `lookup` (missing or unknown → -1), chunk by chunk,
    through each chunk's dictionary (no per-row work in Python)."""
    parts: list[np.ndarray] = []
    for chunk in _dictionary_chunks(column):
        dictionary = chunk.dictionary.to_pylist()
        by_index: np.ndarray = np.array(
            [lookup.get(value, -1) for value in dictionary] + [-1], dtype=dtype
        )
        parts.append(by_index[_indices(chunk, len(dictionary))])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _registered(column: pa.ChunkedArray | pa.Array, registry: dict[str, int]) -> np.ndarray:
    """Codes through a registry that grows with each new text (equal texts, equal codes)."""
    for chunk in _dictionary_chunks(column):
        for value in chunk.dictionary.to_pylist():
            if value is not None:
                registry.setdefault(value, len(registry))
    return codes_of(column, registry, np.int64)


def seconds(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Timestamps as float seconds since the epoch; missing → NaN."""
    if pa.types.is_null(column.type):
        return np.full(len(column), np.nan)
    microseconds = pc.cast(column, pa.int64())
    values = pc.fill_null(microseconds, 0).to_numpy(zero_copy_only=False).astype(np.float64)
    missing = pc.is_null(column).to_numpy(zero_copy_only=False)
    values[np.asarray(missing, dtype=bool)] = np.nan
    return np.asarray(values / 1e6)


class Columns:
    """NumPy columns of `size` responses, filled batch by batch (`add`), then `finish`ed."""

    def __init__(self, form: SurveyForm, size: int) -> None:
        self.form = form
        self.size = size
        self.coded = tuple(q.name for q in form.answer_questions if q.is_select_one)
        self.lookups = [
            {name: i for i, name in enumerate(form.choice_names(form.question(key).list_name))}
            for key in self.coded
        ]
        widest = max((len(lookup) for lookup in self.lookups), default=0)
        dtype = np.int8 if widest < np.iinfo(np.int8).max else np.int16
        self.codes = np.full((size, len(self.coded)), -1, dtype=dtype, order="F")
        self.units = np.full(size, -1, dtype=np.int64)
        self.groups = np.full(size, -1, dtype=np.int64)
        self.sources = np.full(size, -1, dtype=np.int64)
        self.times = {name: np.full(size, np.nan) for name in _TIMES}
        self.registries: dict[str, dict[str, int]] = {UNIT: {}, GROUP: {}, SOURCE: {}}
        self.copies: list[pa.Array] = []

    def add(self, batch: pa.RecordBatch | pa.Table, offset: int) -> None:
        rows = slice(offset, offset + batch.num_rows)
        names = set(batch.schema.names)
        for position, (key, lookup) in enumerate(zip(self.coded, self.lookups, strict=True)):
            if key in names:
                self.codes[rows, position] = codes_of(batch.column(key), lookup, self.codes.dtype)
        for name, target in ((UNIT, self.units), (GROUP, self.groups), (SOURCE, self.sources)):
            if name in names:
                target[rows] = _registered(batch.column(name), self.registries[name])
        for name in _TIMES:
            if name in names:
                self.times[name][rows] = seconds(batch.column(name))
        if COPY_OF in names:
            column = batch.column(COPY_OF)
            chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
            self.copies.extend(chunk.cast(pa.string()) for chunk in chunks)
        else:
            self.copies.append(pa.nulls(batch.num_rows, pa.string()))

    def categories(self, name: str) -> tuple[np.ndarray, list[str]]:
        """The unit or group codes renumbered in the sorted order of their texts."""
        registry = self.registries[name]
        texts = sorted(registry)
        rank = np.empty(len(registry) + 1, dtype=np.int32)
        for position, text in enumerate(texts):
            rank[registry[text]] = position
        rank[-1] = -1  # code -1 (missing) picks the last entry
        raw = self.units if name == UNIT else self.groups
        return rank[raw], texts

    def copy_texts(self) -> pa.Array:
        return pa.chunked_array(self.copies, type=pa.string()).combine_chunks()


def fill_from_files(
    form: SurveyForm, paths: Sequence[Path], *, copies: bool
) -> tuple[Columns, list[int]]:
    """`Columns` of every row of the batch files (a batch of rows at a time); the row count
    of each file."""
    counts = [pq.ParquetFile(path).metadata.num_rows for path in paths]
    columns = Columns(form, sum(counts))
    wanted = [*columns.coded, UNIT, GROUP, SOURCE, *_TIMES, *([COPY_OF] if copies else [])]
    dictionary = {*columns.coded, UNIT, GROUP, SOURCE}
    offset = 0
    for path in paths:
        present = [name for name in wanted if name in set(pq.read_schema(path).names)]
        source = pq.ParquetFile(path, read_dictionary=[n for n in present if n in dictionary])
        for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=present):
            columns.add(batch, offset)
            offset += batch.num_rows
    return columns, counts


def fill_from_table(form: SurveyForm, table: pa.Table) -> Columns:
    columns = Columns(form, table.num_rows)
    offset = 0
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        columns.add(batch, offset)
        offset += batch.num_rows
    return columns


_HASHES = (
    "CASE WHEN t IS NULL THEN 0 ELSE hash(t) END AS h,"
    " CASE WHEN t IS NULL THEN 0 ELSE hash('\x1f' || t) END AS k"
)


def text_hashes(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Two independent 64-bit hashes of each text (DuckDB's), as a responses × 2 array; 0 for
    a missing text. Equal texts, equal hashes; unequal texts share both with probability
    2⁻¹²⁸, so the pair stands for the text."""
    import duckdb

    texts = pa.table({"t": column})
    with duckdb.connect() as connection:
        result = connection.from_arrow(texts).select(_HASHES).fetchnumpy()
    return np.column_stack([np.asarray(result["h"]), np.asarray(result["k"])]).astype(np.uint64)


def file_hashes(paths: Sequence[Path], name: str) -> np.ndarray:
    """`text_hashes` of a text column over the batch files, in file and row order."""
    import duckdb

    with duckdb.connect() as connection:
        result = connection.execute(
            f'SELECT {_HASHES} FROM (SELECT "{name}" AS t'
            " FROM read_parquet(?, union_by_name = true))",
            [[str(path) for path in paths]],
        ).fetchnumpy()
    return np.column_stack([np.asarray(result["h"]), np.asarray(result["k"])]).astype(np.uint64)


def read_column(paths: Sequence[Path], name: str) -> pa.ChunkedArray:
    """One column over the batch files (nulls where a file lacks it)."""
    parts = []
    for path in paths:
        if name in pq.read_schema(path).names:
            parts.append(pq.read_table(path, columns=[name]).column(name).cast(pa.string()))
        else:
            rows = pq.ParquetFile(path).metadata.num_rows
            parts.append(pa.chunked_array([pa.nulls(rows, pa.string())]))
    chunks = [chunk for part in parts for chunk in part.chunks]
    return pa.chunked_array(chunks, type=pa.string())


def latest_rows(ids: pa.ChunkedArray | pa.Array, superseded: Iterable[str]) -> np.ndarray:
    """True for every row but the earlier versions of the responses in `superseded` (the last
    row of a response wins)."""
    keep = np.ones(len(ids), dtype=bool)
    candidates = np.flatnonzero(
        pc.fill_null(
            pc.is_in(ids, value_set=pa.array(list(superseded), pa.string())), False
        ).to_numpy(zero_copy_only=False)
    )
    last: dict[str, int] = {}
    for index, value in zip(
        candidates.tolist(), ids.take(pa.array(candidates)).to_pylist(), strict=True
    ):
        last[value] = index
    keep[candidates] = False
    keep[list(last.values())] = True
    return keep


def latest_versions(table: pa.Table, superseded: Sequence[str]) -> pa.Table:
    """Drop the earlier rows of responses replaced by an edited version (the last row wins)."""
    if not superseded:
        return table
    keep = latest_rows(table.column(RESPONSE_ID), superseded)
    return table if keep.all() else table.filter(pa.array(keep))
