"""The sheet folded by area: what the pages render at once and what they fetch on demand."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from parindex.assessments.models import (
    Assessment,
)
from parindex.assessments.selectors.results import EntryValues, _has_evidence, engine_for_group
from parindex.assessments.selectors.sheet import NodeRow, Sheet, assessment_sheet, dom_id
from parindex.engine import (
    Framework,
)

# --- the sheet folded by area: what the pages render at once and what they fetch on demand ----

# A framework with at most this many leaves is rendered whole, every area open (a small
# framework costs little); a bigger one renders the open area only, the others on demand.
WHOLE_SHEET_LEAVES = 16


@dataclass
class Area:
    """A top-level node of the sheet (an area, or a bonus or penalty node) as the pages fold
    it: its head (points, the unit's progress in it, the appraiser's adjustments) always,
    its rows when it is open."""

    row: NodeRow
    codes: tuple[str, ...]  # the node and its descendants, in document order
    leaves: int
    answered: int  # self-assessed leaves with an answer
    to_answer: int  # self-assessed leaves
    missing: int  # answered leaves needing evidence that have neither evidence nor explanation
    adjusted: int  # leaves whose appraised points differ from the self-assessed ones
    finalised: int  # leaves the appraiser marked final
    rows: list[NodeRow] | None = None  # None: fetched when opened

    @property
    def code(self) -> str:
        return self.row.code

    @property
    def head_id(self) -> str:
        return f"{self.row.dom_id}-head"

    @property
    def complete(self) -> bool:
        """Nothing left for the unit here: every self-assessed leaf answered, none missing
        its evidence."""
        return self.answered == self.to_answer and not self.missing

    @property
    def appraised(self) -> bool:
        """Nothing left for the appraiser here: every leaf marked final."""
        return self.finalised == self.leaves


def _has_evidence_or_explanation(entry: EntryValues) -> bool:
    return _has_evidence(entry) or bool(entry.written_explanation.strip())


def sheet_areas(sheet: Sheet, *, only: str | None = None, adjusted: bool = True) -> list[Area]:
    """The sheet's top-level nodes (or the one `only` names) with their heads' figures, from
    what the sheet read (no query), without rows. `adjusted=False` leaves out the count of
    leaves the appraiser adjusted (it compares both sides' points of every leaf)."""
    framework = sheet.framework
    root_of: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for node in framework.walk():
        root = node.code if node.parent is None else root_of[node.parent]
        root_of[node.code] = root
        if only is None or root == only:
            members.setdefault(root, []).append(node.code)
    areas = []
    for root, codes in members.items():
        counts = dict.fromkeys(("leaves", "answered", "to_answer", "missing", "adjusted"), 0)
        finalised = 0
        for code in codes:
            node = framework.nodes[code]
            if not node.is_leaf:
                continue
            counts["leaves"] += 1
            entry = sheet.facts.get(code)
            if entry is not None and entry.finalised:
                finalised += 1
            if (
                adjusted
                and entry is not None
                and sheet.self_result.nodes[code].points
                != sheet.appraised_result.nodes[code].points
            ):
                counts["adjusted"] += 1
            if node.source != "self":
                continue
            counts["to_answer"] += 1
            if entry is None or entry.self_values is None:
                continue
            counts["answered"] += 1
            if node.evidence_required and not _has_evidence_or_explanation(entry):
                counts["missing"] += 1
        areas.append(
            Area(
                row=sheet.row_of(framework.nodes[root]),
                codes=tuple(codes),
                leaves=counts["leaves"],
                answered=counts["answered"],
                to_answer=counts["to_answer"],
                missing=counts["missing"],
                adjusted=counts["adjusted"],
                finalised=finalised,
            )
        )
    return areas


def area_sheet(assessment: Assessment) -> Sheet:
    """The sheet the folded pages start from, without rows: a small framework's entries read
    in full (every area is shown open), a bigger one's values only (`Sheet.facts`); `open_areas`
    and `area_of_code` read the rows they show."""
    framework = engine_for_group(assessment.group)
    if sum(1 for _leaf in framework.leaves()) <= WHOLE_SHEET_LEAVES:
        sheet = assessment_sheet(assessment)
        sheet.rows.clear()
        return sheet
    return assessment_sheet(assessment, codes=())


def open_areas(
    sheet: Sheet,
    wanted: str | None,
    *,
    complete: Callable[[Area], bool],
    adjusted: bool = True,
) -> list[Area]:
    """The sheet's areas with the rows of those shown open filled in: every area of a small
    framework (`WHOLE_SHEET_LEAVES`); otherwise the one asked for (`wanted`, the area the user
    was working in), else the first that is not `complete`, else the first."""
    areas = sheet_areas(sheet, adjusted=adjusted)
    if not areas:
        return areas
    if sum(area.leaves for area in areas) <= WHOLE_SHEET_LEAVES:
        chosen = areas
    else:
        by_code = {area.code: area for area in areas}
        first = by_code.get(wanted or "") or next(
            (area for area in areas if not complete(area)), areas[0]
        )
        chosen = [first]
    for area in chosen:
        area.rows = sheet.rows_of(area.codes[1:] if len(area.codes) > 1 else area.codes)
    return areas


def area_of_code(sheet: Sheet, code: str, *, adjusted: bool = True) -> Area | None:
    """One top-level node's area with its rows (None when `code` is not top-level)."""
    found = sheet_areas(sheet, only=code, adjusted=adjusted)
    if not found or found[0].code != code:
        return None
    area = found[0]
    area.rows = sheet.rows_of(area.codes[1:] if len(area.codes) > 1 else area.codes)
    return area


def area_head(sheet: Sheet, code: str, *, adjusted: bool = True) -> Area:
    """The area `code` belongs to, without its rows: its head changes with each of its leaves."""
    return sheet_areas(sheet, only=sheet.framework.area_of(code).code, adjusted=adjusted)[0]


@dataclass(frozen=True)
class NodeLink:
    """A link to a node's row: the area to open first, then the row."""

    code: str
    area: str

    @property
    def dom_id(self) -> str:
        return dom_id(self.code)

    @property
    def area_dom_id(self) -> str:
        return f"{dom_id(self.area)}-area"


def area_links(framework: Framework, codes: Iterable[str]) -> list[NodeLink]:
    return [NodeLink(code, framework.area_of(code).code) for code in codes]
