"""The stored responses of one form as NumPy columns, for the integrity rules and the scoring.

One columnar pass, no per-response Python object (`columnar`): the Parquet files are read a
batch of rows at a time with their dictionaries kept, an answer becoming its choice's
position through a lookup over its column's few distinct texts, times float seconds, unit,
group and source codes. Copies of a submission come from the record made at import
(`_copy_of`); without it, from two DuckDB hashes of the submission ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from parindex.surveys.xlsform import SurveyForm

from .columnar import (
    Columns,
    file_hashes,
    fill_from_files,
    fill_from_table,
    latest_rows,
    read_column,
    text_hashes,
)
from .columns import COPY_OF, GROUP, RESPONSE_ID, UNIT, UUID


@dataclass
class FormData:
    """The stored responses of one form as NumPy columns.

    `choice_codes[:, j]` is the position of the answer to `coded_questions[j]` among its
    list's distinct choice names (-1 = no answer). `share_tables[k]` gives, by code, the share
    of points (0..1) of `form.scored_questions[k]`, NaN when not scored (e.g. "Không biết");
    its last entry (code -1) is NaN. `uuid_hashes` holds two independent 64-bit hashes of
    each submission id (0 = none): 128 bits that stand for the id. The two text columns
    (`response_ids`, `uuid_texts`) are read from the store only when asked.
    """

    form: SurveyForm
    uuid_hashes: np.ndarray | None
    units: np.ndarray
    unit_names: list[str]
    groups: np.ndarray
    group_names: list[str]
    sources: np.ndarray
    started: np.ndarray
    ended: np.ndarray
    submitted: np.ndarray
    coded_questions: tuple[str, ...]
    choice_codes: np.ndarray
    share_tables: tuple[np.ndarray, ...] = field(default=())
    texts: dict[str, pa.Array] = field(default_factory=dict, repr=False)
    loader: Callable[[str], pa.Array] | None = field(default=None, repr=False)
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.units)

    def _text(self, name: str) -> pa.Array:
        if name not in self.texts:
            if self.loader is None:
                raise KeyError(name)
            self.texts[name] = self.loader(name)
        return self.texts[name]

    @property
    def response_ids(self) -> pa.Array:
        return self._text(RESPONSE_ID)

    @property
    def uuid_texts(self) -> pa.Array:
        return self._text(UUID)

    @property
    def copy_of(self) -> pa.Array | None:
        """For a later copy of a submission sent twice in one file, the first copy's response
        id (recorded at import); None when the store predates that record."""
        return self.texts.get(COPY_OF)

    def scored_shares(self, position: int) -> np.ndarray:
        """The shares (NaN = none) of `form.scored_questions[position]` for every response."""
        question = self.form.scored_questions[position]
        codes = self.choice_codes[:, self.coded_questions.index(question.name)]
        return self.share_tables[position][codes]  # -1 picks the trailing NaN

    @cached_property
    def shares(self) -> np.ndarray:
        """Responses × scored questions shares (NaN = no scored answer)."""
        count = len(self.form.scored_questions)
        out = np.full((self.size, count), np.nan)
        for position in range(count):
            out[:, position] = self.scored_shares(position)
        return out

    @classmethod
    def from_table(cls, form: SurveyForm, table: pa.Table) -> FormData:
        """From a response table (`parindex.surveys.responses` columns; text or dictionary)."""
        texts = {name: _whole(table.column(name)) for name in (RESPONSE_ID, UUID)}
        columns = fill_from_table(form, table)
        if COPY_OF in table.column_names:
            texts[COPY_OF] = columns.copy_texts()
            return cls._build(form, columns, None, texts, None)
        hashes = text_hashes(texts[UUID]) if table.num_rows else np.zeros((0, 2), np.uint64)
        return cls._build(form, columns, hashes, texts, None)

    @classmethod
    def from_parquet(
        cls, form: SurveyForm, paths: Sequence[Path], superseded: Sequence[str] = ()
    ) -> FormData:
        """From the store's batch files in one columnar pass. `superseded` lists the response
        ids that have a newer version: only each one's last row is kept."""
        recorded = all(COPY_OF in pq.read_schema(path).names for path in paths)
        columns, _ = fill_from_files(form, paths, copies=recorded)
        hashes = None if recorded else file_hashes(paths, UUID)
        keep = latest_rows(read_column(paths, RESPONSE_ID), superseded) if superseded else None
        texts = {COPY_OF: columns.copy_texts()} if recorded else {}

        def load(name: str) -> pa.Array:
            column = _whole(read_column(paths, name))
            return column.filter(pa.array(keep)) if keep is not None else column

        data = cls._build(form, columns, hashes, texts, load)
        return data.subset(keep) if keep is not None else data

    @classmethod
    def _build(
        cls,
        form: SurveyForm,
        columns: Columns,
        hashes: np.ndarray | None,
        texts: dict[str, pa.Array],
        loader: Callable[[str], pa.Array] | None,
    ) -> FormData:
        share_tables = []
        for question in form.scored_questions:
            shares = form.choice_shares(question.list_name)
            share_tables.append(
                np.array(
                    [float(s) if s is not None else np.nan for s in shares.values()] + [np.nan]
                )
            )
        units, unit_names = columns.categories(UNIT)
        groups, group_names = columns.categories(GROUP)
        return cls(
            form=form,
            uuid_hashes=hashes,
            units=units,
            unit_names=unit_names,
            groups=groups,
            group_names=group_names,
            sources=columns.sources,
            started=columns.times["_started_at"],
            ended=columns.times["_ended_at"],
            submitted=columns.times["_submitted_at"],
            coded_questions=columns.coded,
            choice_codes=columns.codes,
            share_tables=tuple(share_tables),
            texts=texts,
            loader=loader,
        )

    def subset(self, keep: np.ndarray) -> FormData:
        """Only the rows where `keep` is True (the text columns already filtered by the
        loader, the recorded copies here)."""
        mask = pa.array(keep)
        texts = {name: column.filter(mask) for name, column in self.texts.items()}
        return FormData(
            form=self.form,
            uuid_hashes=self.uuid_hashes[keep] if self.uuid_hashes is not None else None,
            units=self.units[keep],
            unit_names=self.unit_names,
            groups=self.groups[keep],
            group_names=self.group_names,
            sources=self.sources[keep],
            started=self.started[keep],
            ended=self.ended[keep],
            submitted=self.submitted[keep],
            coded_questions=self.coded_questions,
            choice_codes=np.asfortranarray(self.choice_codes[keep]),
            share_tables=self.share_tables,
            texts=texts,
            loader=self.loader,
        )


def _whole(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    if pa.types.is_null(column.type):
        column = column.cast(pa.string())
    return column
