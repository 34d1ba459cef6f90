"""The response table's own columns and what an import gives back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

# Columns parindex adds to every stored response. They start with "_" and the form reader
# refuses them as question names (`xlsform.SYSTEM_COLUMNS`), so they never clash with a field.
RESPONSE_ID = "_response_id"
UUID = "_uuid"  # the submission's id: stays the same when the submission is edited
INSTANCE = "_instance_id"  # the id of this version of the submission (changes on each edit)
FORM_ID = "_form_id"
FORM_VERSION = "_form_version"
UNIT = "_unit"
GROUP = "_group"
SOURCE = "_source"
STARTED = "_started_at"
ENDED = "_ended_at"
SUBMITTED = "_submitted_at"
BATCH = "_batch"
ROW = "_row"
# A later copy of a submission sent twice in one file: the response id of its first copy.
COPY_OF = "_copy_of"
META_COLUMNS = (
    RESPONSE_ID,
    UUID,
    FORM_ID,
    FORM_VERSION,
    UNIT,
    GROUP,
    SOURCE,
    STARTED,
    ENDED,
    SUBMITTED,
    BATCH,
    ROW,
    INSTANCE,
    COPY_OF,
)
TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class RawResponses:
    """A responses file as text columns, before checking. `rows` are the file's row numbers.

    `repeats` holds the tables of repeat groups that came with it (an ODK Central ZIP's
    `<form>-<repeat>.csv`, a KoboToolbox XLSX's other sheets), keyed by file or sheet name.
    """

    origin: str
    headers: tuple[str, ...]
    columns: Mapping[str, pa.Array]
    rows: np.ndarray
    repeats: Mapping[str, RawResponses] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not imported, with every problem found in it."""

    origin: str
    row: int
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.origin}:{self.row}: {'; '.join(self.problems)}"


@dataclass(frozen=True)
class Replacement:
    """A submission edited after it was imported: this file's row replaces the stored version.

    The response keeps its id (`response_id`), so decisions about it still apply; the web
    layer records the replacement in its audit log.
    """

    response_id: str
    submission_id: str
    previous_instance: str  # the version replaced ("" when the store did not know it)
    instance: str  # the version imported now
    origin: str
    row: int


@dataclass
class ResponseImport:
    """What an import read, kept and rejected.

    `read = imported + replaced + already_present + superseded + rejected`: `table` holds
    the new responses and the new versions of edited ones (`replacements`); `superseded`
    counts rows of this file replaced by a later version in the same file.
    """

    origin: str
    read: int
    table: pa.Table
    already_present: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)
    superseded: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        """New responses (the edited ones replaced are counted in `replaced`)."""
        return int(self.table.num_rows) - len(self.replacements)

    @property
    def replaced(self) -> int:
        return len(self.replacements)

    @property
    def reconciles(self) -> bool:
        return self.read == (
            self.imported
            + self.replaced
            + self.already_present
            + self.superseded
            + len(self.rejected)
        )

    def new_rows(self) -> pa.Table:
        """The rows of `table` that are new responses (not replacements)."""
        if not self.replacements:
            return self.table
        replaced = pa.array([r.response_id for r in self.replacements], type=pa.string())
        import pyarrow.compute as pc

        keep = pc.invert(pc.is_in(self.table.column(RESPONSE_ID), value_set=replaced))
        return self.table.filter(keep)

    def replacement_rows(self) -> pa.Table:
        """The rows of `table` that replace a stored version."""
        if not self.replacements:
            return self.table.slice(0, 0)
        replaced = pa.array([r.response_id for r in self.replacements], type=pa.string())
        import pyarrow.compute as pc

        return self.table.filter(pc.is_in(self.table.column(RESPONSE_ID), value_set=replaced))
