"""What-if scenarios of a group, as the pages run them: changes read from a form or a saved
scenario, applied to copies, the whole group re-scored by the batch engine.

A change is a plain dict (what `Scenario.changes` stores and the form posts):

    {"type": "set", "unit": "X005", "node": "1.1", "value": "có"}   a unit's entry
    {"type": "scale", "node": "III", "factor": "1,1"}                 a node's maximum × factor
    {"type": "remove", "node": "12"}                                  a node removed

`value` is read by the node's rule as a person would type it: yes/no (có/không), an option's
key or label, a rate ("95", "95 %", "19/20"), a count, or points. Only entries change: the
group's baseline is encoded once (`GroupData.encoded`), copied, changed cell by cell and
scored at once (`score_group`, `rank_scores`); a change of the framework (scale, remove) goes
through `parindex.planning.whatif` (the framework rebuilt and checked), then the same scoring.
Nothing official is read for writing: the copies are the only thing changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from parindex.criteria.labels import engine_text
from parindex.engine import (
    Framework,
    GroupScores,
    Node,
    NodeInput,
    RuleInputError,
    format_number,
    rank_scores,
    score_group,
)
from parindex.planning import Change, PlanningError, RemoveNode, ScaleMax, SetInputs, apply_changes
from parindex.plans.selectors.data import GroupData

CHANGE_TYPES = ("set", "scale", "remove")
_YES = {"có", "co", "yes", "y", "1", "true", "đạt", "dat", "x"}
_NO = {"không", "khong", "no", "n", "0", "false", "chưa", "chua"}


class ChangeError(ValueError):
    """A change that cannot be read; the message says why, in the user's language."""


def _number(text: str) -> Decimal:
    cleaned = text.strip().replace(" ", "").replace("%", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ChangeError(gettext("«%(value)s» không phải là số.") % {"value": text}) from None
    if not value.is_finite():
        raise ChangeError(gettext("«%(value)s» không phải là số.") % {"value": text})
    return value


def entry_values(node: Node, text: str) -> dict[str, Any]:
    """A typed value as the entry the node's rule reads (checked by the rule)."""
    rule = node.rule
    if rule is None:
        raise ChangeError(gettext("Mục %(code)s không phải mục lá.") % {"code": node.code})
    raw = (text or "").strip()
    if not raw:
        raise ChangeError(gettext("Chưa nhập giá trị cho mục %(code)s.") % {"code": node.code})
    values: dict[str, Any]
    if rule.name == "boolean":
        word = raw.lower()
        labels = {
            str(rule.params.get("yes_label", "")).lower(): True,
            str(rule.params.get("no_label", "")).lower(): False,
        }
        if word in _YES or labels.get(word) is True:
            values = {"value": True}
        elif word in _NO or labels.get(word) is False:
            values = {"value": False}
        else:
            raise ChangeError(
                gettext("Mục %(code)s: hãy nhập «có» hoặc «không».") % {"code": node.code}
            )
    elif rule.name == "choice":
        options = rule.params.get("options") or []
        chosen = next(
            (
                str(option["key"])
                for option in options
                if raw.lower() in (str(option["key"]).lower(), str(option.get("label", "")).lower())
            ),
            None,
        )
        if chosen is None:
            keys = ", ".join(str(option["key"]) for option in options)
            raise ChangeError(
                gettext("Mục %(code)s: hãy nhập một phương án (%(keys)s).")
                % {"code": node.code, "keys": keys}
            )
        values = {"option": chosen}
    elif rule.name in ("ratio", "bands"):
        if "/" in raw:
            numerator, _, denominator = raw.partition("/")
            values = {"numerator": _number(numerator), "denominator": _number(denominator)}
        else:
            values = {"percent": _number(raw)}
    elif rule.name == "deduction":
        values = {"count": _number(raw)}
    else:
        values = {"points": _number(raw)}
    try:
        rule.score(values)
    except RuleInputError as error:
        raise ChangeError(
            gettext("Mục %(code)s không nhận giá trị «%(value)s»: %(reason)s")
            % {"code": node.code, "value": raw, "reason": engine_text(str(error))}
        ) from None
    return values


def clean_changes(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The non-empty change rows of a form, as plain text dicts."""
    cleaned = []
    for row in rows:
        kind = str(row.get("type") or "").strip()
        node = str(row.get("node") or "").strip()
        if kind not in CHANGE_TYPES or not node:
            continue
        change = {"type": kind, "node": node}
        if kind == "set":
            change["unit"] = str(row.get("unit") or "").strip()
            change["value"] = str(row.get("value") or "").strip()
        elif kind == "scale":
            change["factor"] = str(row.get("factor") or "").strip()
        cleaned.append(change)
    return cleaned


@dataclass
class Applied:
    """The changes as the engine can apply them, what each says, and what was refused."""

    changes: list[Change] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def framework_changed(self) -> bool:
        return any(not isinstance(change, SetInputs) for change in self.changes)


def read_changes(data: GroupData, rows: Sequence[Mapping[str, Any]]) -> Applied:
    framework = data.framework
    applied = Applied()
    for number, row in enumerate(rows, start=1):
        kind, code = row.get("type"), str(row.get("node") or "")
        try:
            node = framework.nodes.get(code)
            if node is None:
                raise ChangeError(gettext("Không có mục «%(code)s».") % {"code": code})
            if kind == "set":
                unit = str(row.get("unit") or "")
                if unit not in data.inputs:
                    raise ChangeError(
                        gettext("Không có đơn vị «%(unit)s» trong nhóm.") % {"unit": unit}
                    )
                if not node.is_leaf:
                    raise ChangeError(gettext("Mục %(code)s không phải mục lá.") % {"code": code})
                values = entry_values(node, str(row.get("value") or ""))
                applied.changes.append(
                    SetInputs(unit, {code: NodeInput(values, has_evidence=True)})
                )
                applied.texts.append(
                    gettext("%(unit)s · mục %(code)s: «%(value)s»")
                    % {"unit": data.units[unit].name, "code": code, "value": row.get("value")}
                )
            elif kind == "scale":
                factor = _number(str(row.get("factor") or ""))
                if not 0 < factor <= 10:
                    raise ChangeError(gettext("Hệ số phải lớn hơn 0 và không quá 10."))
                applied.changes.append(ScaleMax(code, factor))
                applied.texts.append(
                    gettext("Mục %(code)s: điểm tối đa %(old)s × %(factor)s = %(new)s")
                    % {
                        "code": code,
                        "old": format_number(node.max_points),
                        "factor": format_number(factor),
                        "new": format_number(node.max_points * factor),
                    }
                )
            elif kind == "remove":
                applied.changes.append(RemoveNode(code))
                applied.texts.append(gettext("Bỏ mục %(code)s") % {"code": code})
        except ChangeError as error:
            applied.errors.append(
                gettext("Thay đổi %(number)s: %(error)s") % {"number": number, "error": error}
            )
    return applied


@dataclass(frozen=True)
class Figures:
    total: Decimal
    index: Decimal
    rank: int
    class_label: str


@dataclass(frozen=True)
class WhatIfRow:
    code: str
    name: str
    before: Figures
    after: Figures

    @property
    def total_change(self) -> Decimal:
        return self.after.total - self.before.total

    @property
    def rank_change(self) -> int:
        return self.before.rank - self.after.rank

    @property
    def class_changed(self) -> bool:
        return self.before.class_label != self.after.class_label

    @property
    def changed(self) -> bool:
        return bool(self.total_change) or bool(self.rank_change) or self.class_changed


@dataclass
class WhatIfResult:
    rows: list[WhatIfRow]
    applied: Applied
    max_total_before: Decimal
    max_total_after: Decimal
    error: str = ""

    @property
    def moved(self) -> int:
        return sum(1 for row in self.rows if row.rank_change)


def _figures(scores: GroupScores) -> dict[str, Figures]:
    ranks = rank_scores(scores)
    places = scores.framework.info.index_places
    classes = ranks.classes()
    return {
        unit: Figures(
            total=Decimal(int(scores.total[column])).scaleb(-scores.scale),
            index=Decimal(int(scores.index[column])).scaleb(-places),
            rank=int(ranks.rank[column]),
            class_label=classes[column],
        )
        for column, unit in enumerate(scores.units)
    }


def baseline(data: GroupData) -> dict[str, Figures]:
    return _figures(score_group(data.framework, data.encoded))


def run_changes(data: GroupData, rows: Sequence[Mapping[str, Any]]) -> WhatIfResult:
    """The group before and after the changes (refused ones are listed and skipped)."""
    applied = read_changes(data, rows)
    before = baseline(data)
    framework: Framework = data.framework
    error = ""
    try:
        if applied.framework_changed:
            framework, inputs = apply_changes(data.framework, data.inputs, applied.changes)
            scores = score_group(framework, inputs)
        else:
            encoded = data.encoded.copy()
            for change in applied.changes:
                assert isinstance(change, SetInputs)
                for code, entry in change.inputs.items():
                    encoded.set(change.unit, code, entry)
            scores = score_group(framework, encoded)
        after = _figures(scores)
    except PlanningError as problem:
        error = engine_text(str(problem))
        framework, after = data.framework, before
    order = sorted(before, key=lambda unit: (before[unit].rank, data.units[unit].name))
    rows_out = [WhatIfRow(unit, data.units[unit].name, before[unit], after[unit]) for unit in order]
    return WhatIfResult(
        rows_out, applied, data.framework.info.max_total, framework.info.max_total, error
    )


def describe(changes: Sequence[Mapping[str, Any]], data: GroupData) -> list[str]:
    """One line per stored change (for lists)."""
    return read_changes(data, changes).texts


@dataclass(frozen=True)
class ComparedRow:
    code: str
    name: str
    before: Figures
    scenarios: tuple[WhatIfRow, ...]


def compare(
    data: GroupData, scenarios: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]
) -> tuple[list[ComparedRow], list[WhatIfResult]]:
    """Several scenarios side by side, one row per unit (baseline order)."""
    results = [run_changes(data, changes) for _, changes in scenarios]
    by_unit = [{row.code: row for row in result.rows} for result in results]
    base = baseline(data)
    order = sorted(base, key=lambda unit: (base[unit].rank, data.units[unit].name))
    rows = [
        ComparedRow(
            unit, data.units[unit].name, base[unit], tuple(found[unit] for found in by_unit)
        )
        for unit in order
    ]
    return rows, results


def leaf_choices(framework: Framework) -> list[tuple[str, str]]:
    return [(node.code, f"{node.code}. {node.title}") for node in framework.leaves() if node.rule]


def node_choices(framework: Framework) -> list[tuple[str, str]]:
    return [
        (code, f"{code}. {node.title}")
        for code, node in framework.nodes.items()
        if node.kind == "standard"
    ]
