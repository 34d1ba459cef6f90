"""The survey store: a directory of forms, response batches and the append-only decision log.

    $PARINDEX_DATA_DIR/surveys/   (default var/surveys/)
      forms/<form_id>.xlsx            the questionnaire as imported (older versions kept
                                      as <form_id>@<version>.xlsx)
      responses/<form_id>/<batch>.parquet   one immutable file per imported responses file
      batches.jsonl                   manifest: one line per batch (file, SHA-256, counts, time)
      replacements.jsonl              edited submissions that replaced a stored version
      audit.jsonl                     exclusions and reinstatements, append-only
      framework.yaml|.xlsx            optional copy of the framework the survey scores
      plan.csv                        optional sampling plan
      salt                            random secret for hashing device ids (never exported)

Writes go to a temporary file renamed into place, and a batch counts only once
its manifest line is written, so an interrupted import leaves nothing half-done.
Re-importing a file already imported (same SHA-256) changes nothing. An edited submission
(ODK Central keeps its `KEY`, gives it a new `instanceID`) is written in the new batch with
the same response id; reading keeps only each response's latest row.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from parindex.common import atomic
from parindex.engine import Framework, Problem

from .errors import FormError, StoreError
from .integrity import (
    AuditEvent,
    Flag,
    IntegrityConfig,
    Status,
    check_integrity,
    decision,
    excluded_mask,
    statuses,
)
from .responses import (
    GROUP,
    INSTANCE,
    RESPONSE_ID,
    UNIT,
    UUID,
    FormData,
    Replacement,
    ResponseImport,
    parse_responses,
    read_response_file,
)
from .responses.columnar import latest_versions
from .sampling import Target, read_plan
from .scoring import ScoringOptions, SurveyResults, framework_problems, score_survey
from .scoring.strata import respondent_scores
from .xlsform import SurveyForm, read_xlsform, validate_xlsform


def default_store_dir() -> Path:
    """`$PARINDEX_DATA_DIR/surveys`, else `var/surveys` under the working directory."""
    base = os.environ.get("PARINDEX_DATA_DIR")
    return Path(base) / "surveys" if base else Path("var") / "surveys"


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomically(destination: Path, write: Any) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(destination) as temporary:
        write(temporary)


@dataclass(frozen=True)
class Batch:
    """One imported responses file (a manifest line)."""

    batch: str
    form_id: str
    file: str
    sha256: str
    read: int
    imported: int
    already_present: int
    rejected: int
    imported_at: str
    replaced: int = 0
    superseded: int = 0


@dataclass
class ImportOutcome:
    """What `import_responses` did; `duplicate_of` names the batch when the file was known."""

    form: SurveyForm
    result: ResponseImport | None
    batch: Batch | None
    duplicate_of: Batch | None = None


class SurveyStore:
    """Read and write the survey store at `root` (created on first write)."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_store_dir()

    # -- paths ----------------------------------------------------------------------------------
    @property
    def forms_dir(self) -> Path:
        return self.root / "forms"

    def responses_dir(self, form_id: str) -> Path:
        return self.root / "responses" / form_id

    @property
    def manifest_path(self) -> Path:
        return self.root / "batches.jsonl"

    @property
    def audit_path(self) -> Path:
        return self.root / "audit.jsonl"

    @property
    def replacements_path(self) -> Path:
        return self.root / "replacements.jsonl"

    @property
    def plan_path(self) -> Path:
        return self.root / "plan.csv"

    def salt(self) -> bytes:
        path = self.root / "salt"
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, lambda p: p.write_bytes(secrets.token_bytes(32)))
            path.chmod(0o600)
        return path.read_bytes()

    # -- forms ----------------------------------------------------------------------------------
    def forms(self) -> list[SurveyForm]:
        if not self.forms_dir.exists():
            return []
        return [
            read_xlsform(path)
            for path in sorted(self.forms_dir.glob("*.xlsx"))
            if "@" not in path.stem and not path.name.startswith(".")
        ]

    def form(self, form_id: str) -> SurveyForm | None:
        path = self.forms_dir / f"{form_id}.xlsx"
        return read_xlsform(path) if path.exists() else None

    def save_form(self, path: str | Path) -> SurveyForm:
        """Check the XLSForm (ours and pyxform's) and keep a copy; a changed form needs a new
        version, and the previous one is kept beside it."""
        check = validate_xlsform(path)
        if not check.ok or check.form is None:
            raise FormError(list(check.problems))
        form = check.form
        stored_path = self.forms_dir / f"{form.form_id}.xlsx"
        stored = self.form(form.form_id)
        if stored is not None:
            if stored == form:
                return form
            if stored.version == form.version:
                raise StoreError.single(
                    f"biểu mẫu «{form.form_id}» khác bản đã nhập nhưng vẫn là phiên bản"
                    f" «{form.version}»: hãy tăng «version» trong trang settings",
                    f"{path}!settings",
                )
            archived = self.forms_dir / f"{form.form_id}@{stored.version or 'cu'}.xlsx"
            shutil.copyfile(stored_path, archived)
        _write_atomically(stored_path, lambda p: shutil.copyfile(path, p))
        return form

    # -- framework and plan ---------------------------------------------------------------------
    def framework_path(self) -> Path | None:
        for suffix in (".yaml", ".yml", ".xlsx"):
            path = self.root / f"framework{suffix}"
            if path.exists():
                return path
        return None

    def save_framework(self, path: str | Path) -> Path:
        source = Path(path)
        for old in (self.root / f"framework{s}" for s in (".yaml", ".yml", ".xlsx")):
            old.unlink(missing_ok=True)
        destination = self.root / f"framework{source.suffix.lower()}"
        _write_atomically(destination, lambda p: shutil.copyfile(source, p))
        return destination

    def save_plan(self, path: str | Path) -> list[Target]:
        plan = read_plan(path)  # refuse a bad plan before replacing the stored one
        _write_atomically(self.plan_path, lambda p: shutil.copyfile(path, p))
        return plan

    def plan(self) -> list[Target]:
        return read_plan(self.plan_path) if self.plan_path.exists() else []

    # -- responses ------------------------------------------------------------------------------
    def batches(self) -> list[Batch]:
        if not self.manifest_path.exists():
            return []
        with self.manifest_path.open(encoding="utf-8") as handle:
            return [Batch(**json.loads(line)) for line in handle if line.strip()]

    def import_responses(self, form_path: str | Path, responses_path: str | Path) -> ImportOutcome:
        """Store the form (if new or a new version) and the file's valid, new responses."""
        form = self.save_form(form_path)
        digest = file_sha256(responses_path)
        for batch in self.batches():
            if batch.sha256 == digest and batch.form_id == form.form_id:
                return ImportOutcome(form, None, None, duplicate_of=batch)
        raw = read_response_file(responses_path)
        batch_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{digest[:12]}"
        result = parse_responses(
            form,
            raw,
            salt=self.salt(),
            known_versions=self._known_versions(form.form_id),
            batch=batch_id,
        )
        if result.table.num_rows:
            destination = self.responses_dir(form.form_id) / f"{batch_id}.parquet"
            _write_atomically(destination, lambda p: pq.write_table(result.table, p))
        now = datetime.now(UTC).isoformat(timespec="seconds")
        batch = Batch(
            batch=batch_id,
            form_id=form.form_id,
            file=str(responses_path),
            sha256=digest,
            read=result.read,
            imported=result.imported,
            already_present=result.already_present,
            rejected=len(result.rejected),
            imported_at=now,
            replaced=result.replaced,
            superseded=result.superseded,
        )
        self.root.mkdir(parents=True, exist_ok=True)
        if result.replacements:
            with self.replacements_path.open("a", encoding="utf-8") as handle:
                for replacement in result.replacements:
                    line = {"batch": batch_id, "form_id": form.form_id, "at": now}
                    line.update(replacement.__dict__)
                    handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        with self.manifest_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(batch.__dict__, ensure_ascii=False) + "\n")
        return ImportOutcome(form, result, batch)

    def replacements(self, form_id: str | None = None) -> list[Replacement]:
        """Edited submissions that replaced a stored version, oldest first."""
        if not self.replacements_path.exists():
            return []
        found = []
        with self.replacements_path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                values = json.loads(line)
                if form_id is not None and values.get("form_id") != form_id:
                    continue
                for key in ("batch", "form_id", "at"):
                    values.pop(key, None)
                found.append(Replacement(**values))
        return found

    def _batch_files(self, form_id: str) -> list[Path]:
        files = []
        for batch in self.batches():
            path = self.responses_dir(form_id) / f"{batch.batch}.parquet"
            if batch.form_id == form_id and (batch.imported or batch.replaced) and path.exists():
                files.append(path)
        return files

    def _superseded(self, form_id: str) -> list[str]:
        """Response ids with more than one stored version (their last row wins)."""
        return sorted({r.response_id for r in self.replacements(form_id)})

    def _known_versions(self, form_id: str) -> dict[str, str]:
        """Stored submission id → the instance id of its latest stored version ("" if none)."""
        known: dict[str, str] = {}
        for path in self._batch_files(form_id):
            names = pq.read_schema(path).names
            columns = [UUID, *([INSTANCE] if INSTANCE in names else [])]
            table = pq.read_table(path, columns=columns)
            uuids = table.column(UUID).to_pylist()
            instances = (
                table.column(INSTANCE).to_pylist() if INSTANCE in names else [None] * len(uuids)
            )
            for uuid, instance in zip(uuids, instances, strict=True):
                if uuid:
                    known[uuid] = instance or ""
        return known

    def table(self, form: SurveyForm) -> pa.Table:
        """Every stored response of `form` (latest versions), older versions' columns aligned
        with nulls."""
        answer_names = [question.name for question in form.answer_questions]
        tables = []
        for path in self._batch_files(form.form_id):
            names = pq.read_schema(path).names
            table = pq.read_table(
                path, read_dictionary=[name for name in answer_names if name in names]
            )
            tables.append(table)
        if not tables:
            return pa.table({})
        table = pa.concat_tables(tables, promote_options="permissive")
        superseded = self._superseded(form.form_id)
        if superseded:
            table = latest_versions(table, superseded)
        for name in [*answer_names, *(repeat.key for repeat in form.repeats)]:
            if name not in table.column_names:
                table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
        return table

    def form_data(self) -> list[FormData]:
        """The stored responses of every form as columns; forms without responses are skipped.

        Only the columns the rules and the scores need are read (one columnar pass)."""
        datasets = []
        for form in self.forms():
            files = self._batch_files(form.form_id)
            if files:
                data = FormData.from_parquet(form, files, self._superseded(form.form_id))
                if data.size:
                    datasets.append(data)
        return datasets

    # -- integrity and decisions ----------------------------------------------------------------
    def events(self) -> list[AuditEvent]:
        if not self.audit_path.exists():
            return []
        with self.audit_path.open(encoding="utf-8") as handle:
            return [AuditEvent.from_json(line) for line in handle if line.strip()]

    def flags(
        self, datasets: Iterable[FormData] | None = None, config: IntegrityConfig | None = None
    ) -> list[Flag]:
        datasets = self.form_data() if datasets is None else datasets
        return [flag for data in datasets for flag in check_integrity(data, config)]

    def statuses(
        self,
        datasets: Iterable[FormData] | None = None,
        config: IntegrityConfig | None = None,
    ) -> dict[str, Status]:
        return statuses(self.flags(datasets, config), self.events(), config)

    def decide(
        self,
        action: str,
        response_id: str,
        reason: str,
        actor: str,
        config: IntegrityConfig | None = None,
    ) -> AuditEvent:
        """Append an exclusion or reinstatement after checking it makes sense now."""
        datasets = self.form_data()
        exists = any(pc.any(pc.equal(data.response_ids, response_id)).as_py() for data in datasets)
        if not exists:
            raise StoreError.single(f"không có phiếu «{response_id}» trong kho {self.root}")
        current = self.statuses(datasets, config).get(response_id)
        excluded = current is not None and current.excluded
        if action == "exclude" and current is not None and current.excluded:
            raise StoreError.single(f"phiếu «{response_id}» đã bị loại ({current.reason})")
        if action == "reinstate" and not excluded:
            raise StoreError.single(f"phiếu «{response_id}» đang được tính, không cần khôi phục")
        event = decision(action, response_id, reason, actor)
        self.root.mkdir(parents=True, exist_ok=True)
        with self.audit_path.open("a", encoding="utf-8") as handle:
            handle.write(event.to_json() + "\n")
        return event

    # -- results --------------------------------------------------------------------------------
    def valid_datasets(
        self, config: IntegrityConfig | None = None
    ) -> tuple[list[tuple[FormData, np.ndarray]], dict[str, Status]]:
        """Each form's responses with the mask of those that count, and every status."""
        datasets = self.form_data()
        status = self.statuses(datasets, config)
        return self.counting(datasets, config), status

    def counting(
        self, datasets: list[FormData] | None = None, config: IntegrityConfig | None = None
    ) -> list[tuple[FormData, np.ndarray]]:
        """Each form's responses with the mask of those that count now (rules and the
        appraisers' decisions), computed over the columns: no per-response object."""
        datasets = self.form_data() if datasets is None else datasets
        events = self.events()
        return [(data, ~excluded_mask(data, events, config)) for data in datasets]

    def results(
        self,
        framework: Framework | None = None,
        options: ScoringOptions | None = None,
        config: IntegrityConfig | None = None,
    ) -> SurveyResults:
        datasets = self.form_data()
        nodes = list(dict.fromkeys(node for data in datasets for node in data.form.nodes))
        # The respondents' node scores on the second core while the rules run on the first
        # (NumPy lets go of the interpreter lock over whole columns).
        with ThreadPoolExecutor(max_workers=1) as executor:
            scores = [executor.submit(respondent_scores, data, nodes) for data in datasets]
            pairs = self.counting(datasets, config)
            for future in scores:
                future.result()
        if not pairs:
            raise StoreError.single(f"kho {self.root} chưa có phiếu nào: hãy chạy «survey import»")
        options = options or ScoringOptions()
        plan = self.plan()
        if plan and not options.populations:
            populations = {
                (t.unit, t.group): t.population for t in plan if t.population is not None
            }
            options = ScoringOptions(
                confidence=options.confidence,
                method=options.method,
                resamples=options.resamples,
                seed=options.seed,
                min_sample=options.min_sample,
                populations=populations,
                other_points=options.other_points,
            )
        return score_survey(pairs, framework, options)

    def counts(
        self, config: IntegrityConfig | None = None
    ) -> dict[tuple[str, str], tuple[int, int]]:
        """Collected and valid responses per (unit, group)."""
        pairs = self.counting(config=config)
        counts: dict[tuple[str, str], list[int]] = {}
        for data, valid in pairs:
            table = pa.table(
                {
                    UNIT: pa.array(np.array([*data.unit_names, ""])[data.units]),
                    GROUP: pa.array(np.array([*data.group_names, ""])[data.groups]),
                    "valid": pa.array(valid),
                }
            )
            grouped = table.group_by([UNIT, GROUP]).aggregate(
                [("valid", "count"), ("valid", "sum")]
            )
            for row in grouped.to_pylist():
                entry = counts.setdefault((row[UNIT], row[GROUP]), [0, 0])
                entry[0] += int(row["valid_count"])
                entry[1] += int(row["valid_sum"])
        return {key: (value[0], value[1]) for key, value in counts.items()}

    def check_framework(self, framework: Framework) -> list[Problem]:
        return [problem for form in self.forms() for problem in framework_problems(form, framework)]

    def response_table(self) -> list[tuple[SurveyForm, pa.Table]]:
        return [(form, self.table(form)) for form in self.forms()]


__all__ = ["RESPONSE_ID", "Batch", "ImportOutcome", "SurveyStore", "default_store_dir"]
