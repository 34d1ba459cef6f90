"""Deterministic SYNTHETIC survey responses for the demo province (never real answers).

    python -m parindex.surveys.generate_demo OUT.csv [--per-unit 12] [--seed 2025]

writes a KoboToolbox-style CSV export of the example questionnaire: group
prefixes (`thu_tuc/tt_01`), meta columns (`_uuid`, `_submission_time`, `start`,
`end`, `deviceid`) and Kobo's own columns (`_id`, `_index`) that the importer
drops. Each unit has a latent satisfaction level; respondents vary around it.
A few careless or duplicated responses are mixed in on purpose so that every
integrity rule has something to find: straight-lining, too-fast completion,
re-sent submissions, the same answers re-sent from one device, and one device
sending the same pattern again and again.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from .xlsform import SurveyForm

# 80 demo communes; the names are made up and marked as examples.
DEMO_UNITS: tuple[tuple[str, str], ...] = tuple(
    (f"X{number:03d}", f"{'Phường' if number % 5 == 0 else 'Xã'} Ví Dụ {number:02d}")
    for number in range(1, 81)
)
_GROUP_SHARES = (0.6, 0.25, 0.15)  # how often each respondent group answers (illustrative)
_START = np.datetime64("2025-03-03T08:00:00")


@dataclass(frozen=True)
class CarelessShares:
    """Shares of respondents made careless on purpose (0 to switch a kind off)."""

    straight_lining: float = 0.02
    too_fast: float = 0.01
    resent: float = 0.005
    same_answers: float = 0.005
    pattern_devices: int = 2  # devices that send one pattern three times


def _prefixed(form: SurveyForm, name: str) -> str:
    return "/".join((*form.group_path(name), name))


def synthetic_export(
    form: SurveyForm,
    responses: int,
    *,
    seed: int = 2025,
    careless: CarelessShares | None = None,
    units: Sequence[str] | None = None,
) -> pa.Table:
    """`responses` synthetic answers to `form` as a Kobo-style export table (text columns)."""
    rng = np.random.default_rng(seed)
    careless = careless if careless is not None else CarelessShares()
    unit_codes = np.array(list(units or form.unit_choices()) or ["X001"])
    n = responses
    unit_of = rng.integers(0, len(unit_codes), n)
    unit_level = rng.uniform(0.55, 0.93, len(unit_codes))
    respondent = np.clip(unit_level[unit_of] + rng.normal(0, 0.12, n), 0, 1)

    columns: dict[str, np.ndarray] = {}
    columns[_prefixed(form, form.unit_field)] = unit_codes[unit_of]
    if form.respondent_group_field:
        group_question = form.question(form.respondent_group_field)
        names = [c.name for c in form.choices[group_question.list_name]]
        shares = np.array(_GROUP_SHARES[: len(names)] or [1.0])
        shares = np.resize(shares, len(names))
        groups = rng.choice(len(names), n, p=shares / shares.sum())
        columns[_prefixed(form, form.respondent_group_field)] = np.array(names)[groups]
        respondent = np.clip(respondent + (groups - 1) * 0.02, 0, 1)

    scored = form.scored_questions
    answer_matrix = np.empty((n, len(scored)), dtype=object)
    for position, question in enumerate(scored):
        choices = form.choices[question.list_name]
        shares_by_name = form.choice_shares(question.list_name)
        scale = sorted(
            (share, c.name) for c in choices if (share := shares_by_name[c.name]) is not None
        )
        scale_names = np.array([name for _, name in scale])
        unscored = [c.name for c in choices if shares_by_name[c.name] is None]
        level = np.clip(respondent + rng.normal(0, 0.15, n), 0, 1)
        index = np.rint(level * (len(scale_names) - 1)).astype(int)
        answers = scale_names[index].astype(object)
        if unscored:
            answers[rng.random(n) < 0.03] = unscored[0]
        answer_matrix[:, position] = answers

    other_selects = [
        q
        for q in form.answer_questions
        if q.is_select_one
        and not q.is_scored
        and q.name not in (form.unit_field, form.respondent_group_field)
    ]
    for question in other_selects:
        options = np.array([c.name for c in form.choices[question.list_name]])
        columns[_prefixed(form, question.name)] = options[rng.integers(0, len(options), n)]

    device_of_unit = rng.integers(0, 2, n)
    devices = np.char.add(
        np.char.add("collect:", unit_codes[unit_of].astype(str)), device_of_unit.astype(str)
    )
    start_seconds = (
        rng.integers(0, 90, n) * 86400 + rng.integers(0, 9 * 3600, n)  # 90 days, 08:00–17:00
    )
    duration = np.clip(rng.normal(480, 150, n), 120, None).astype(np.int64)
    uuids = np.array([f"{a:016x}{b:016x}" for a, b in rng.integers(0, 2**63, (n, 2))])

    # Careless answers, so that each integrity rule has work to do.
    picks = rng.permutation(n)
    cursor = 0

    def take(count: int) -> np.ndarray:
        nonlocal cursor
        chosen = picks[cursor : cursor + count]
        cursor += count
        return chosen

    liners = take(int(n * careless.straight_lining))
    if len(scored):
        for row in liners:
            answer_matrix[row, :] = answer_matrix[row, 0]
    duration[take(int(n * careless.too_fast))] = rng.integers(10, 30)

    extra_rows: list[int] = []
    resent = take(int(n * careless.resent))
    extra_rows += resent.tolist()  # same submission id sent twice
    same_answers = take(int(n * careless.same_answers))
    extra_rows += same_answers.tolist()
    pattern_sources = take(careless.pattern_devices)
    for row in pattern_sources:
        extra_rows += [int(row), int(row)]

    order = np.concatenate([np.arange(n), np.array(extra_rows, dtype=np.int64)])
    new_uuid = np.zeros(len(order), dtype=bool)
    delay = np.zeros(len(order), dtype=np.int64)
    other_unit = np.zeros(len(order), dtype=bool)
    position = n + len(resent)
    new_uuid[position : position + len(same_answers)] = True
    delay[position : position + len(same_answers)] = 300  # re-sent five minutes later
    position += len(same_answers)
    for _ in pattern_sources:
        new_uuid[position : position + 2] = True
        delay[position : position + 2] = [600, 1200]
        other_unit[position : position + 2] = True
        position += 2

    final_uuids = uuids[order]
    fresh = np.array([f"{a:016x}{b:016x}" for a, b in rng.integers(0, 2**63, (len(order), 2))])
    final_uuids[new_uuid] = fresh[new_uuid]
    starts = _START + (start_seconds[order] + delay).astype("timedelta64[s]")
    ends = starts + duration[order].astype("timedelta64[s]")
    submitted = ends - np.timedelta64(7 * 3600, "s") + np.timedelta64(30, "s")  # UTC

    table: dict[str, pa.Array] = {
        "start": pa.array(np.char.add(starts.astype(str), "+07:00")),
        "end": pa.array(np.char.add(ends.astype(str), "+07:00")),
        "deviceid": pa.array(devices[order]),
    }
    for name, values in columns.items():
        chosen = values[order]
        if name == _prefixed(form, form.unit_field):
            # The pattern device reports for neighbouring units: the same answers, other units.
            shifted = unit_codes[(unit_of[order] + 1) % len(unit_codes)]
            chosen = np.where(other_unit, shifted, chosen)
        table[name] = pa.array(chosen.astype(str))
    for position, question in enumerate(scored):
        table[_prefixed(form, question.name)] = pa.array(answer_matrix[order, position].astype(str))
    for question in form.answer_questions:
        key = _prefixed(form, question.name)
        if key not in table:
            table[key] = pa.nulls(len(order), pa.string())
    table["_id"] = pa.array(np.arange(1, len(order) + 1).astype(str))
    table["_uuid"] = pa.array(final_uuids)
    table["_submission_time"] = pa.array(submitted.astype(str))
    table["_index"] = pa.array(np.arange(1, len(order) + 1).astype(str))
    return pa.table(table)


def main(argv: list[str] | None = None) -> int:
    from .example_form import build_example_form

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--per-unit", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    form = build_example_form()
    table = synthetic_export(form, args.per_unit * len(DEMO_UNITS), seed=args.seed)
    pa_csv.write_csv(table, args.output)
    print(f"Đã ghi {table.num_rows} phiếu TỔNG HỢP GIẢ LẬP (synthetic) vào {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
