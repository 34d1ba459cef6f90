"""The previous year of each unit through unit lineage: the unit itself, its primary
predecessor, its only predecessor with a result, or several predecessors not compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from parindex.engine import UnitResult
from parindex.periods.models import AssessmentPeriod
from parindex.results.selectors.standings import Standing, group_standing, period_groups
from parindex.units.models import Unit, UnitLineage


@dataclass(frozen=True)
class YearFigure:
    """A unit's result in one group's standing."""

    standing: Standing
    unit: Unit

    @property
    def result(self) -> UnitResult:
        assert self.standing.ranking is not None
        return self.standing.ranking.results[self.unit.code]

    @property
    def index(self) -> Decimal:
        return self.result.index

    @property
    def rank(self) -> int:
        assert self.standing.ranking is not None
        return self.standing.ranking.ranks[self.unit.code]

    @property
    def ranked_units(self) -> int:
        assert self.standing.ranking is not None
        return self.standing.ranking.size

    @property
    def class_label(self) -> str:
        assert self.standing.ranking is not None
        return self.standing.ranking.classes[self.unit.code]


SAME = "same"  # the unit itself existed last year
PRIMARY = "primary"  # its primary predecessor (lineage `is_primary`)
SOLE = "sole"  # its only predecessor with a result (e.g. a renamed unit)
SEVERAL = "several"  # several predecessors, none primary: shown, not compared
NONE = "none"  # no result last year
HIDDEN = "hidden"  # last year's results are not published and the user may not see drafts


@dataclass(frozen=True)
class PreviousYear:
    """What a unit of year N is compared with in year N−1, and why."""

    year: int
    basis: str
    figure: YearFigure | None  # the one result compared with; None unless same/primary/sole
    predecessors: tuple[tuple[UnitLineage, YearFigure | None], ...] = ()

    @property
    def note(self) -> str:
        """One sentence, in the page's language, saying what the comparison is based on ("" for
        the unit itself)."""
        if self.basis == SAME:
            return ""
        if self.basis == PRIMARY and self.figure is not None:
            name = self.figure.unit.name
            if len(self.predecessors) > 1:
                return gettext(
                    "So với %(name)s (đơn vị kế thừa chính; hình thành từ %(count)s đơn vị)."
                ) % {"name": name, "count": len(self.predecessors)}
            return gettext("So với %(name)s (đơn vị kế thừa chính).") % {"name": name}
        if self.basis == SOLE and self.figure is not None:
            return gettext("So với %(name)s (đơn vị tiền thân).") % {"name": self.figure.unit.name}
        if self.basis == SEVERAL:
            names = ", ".join(link.predecessor.name for link, _figure in self.predecessors)
            return gettext(
                "Hình thành từ %(count)s đơn vị (%(names)s), không có đơn vị kế thừa chính: "
                "không so sánh trực tiếp với năm %(year)s."
            ) % {"count": len(self.predecessors), "names": names, "year": self.year}
        if self.basis == HIDDEN:
            return gettext("Kết quả năm %(year)s chưa công bố.") % {"year": self.year}
        return gettext("Không có kết quả năm %(year)s.") % {"year": self.year}

    def index_change(self, index: Decimal) -> Decimal | None:
        """This year's `index` minus last year's; None without a comparison."""
        return None if self.figure is None else index - self.figure.index

    def rank_change(self, rank: int, ranked_units: int) -> int | None:
        """Places gained (positive = moved up) from last year's rank to `rank`.

        None without a comparison, and when the two rankings have different sizes (a merged
        commune ranked 130th of 150 former communes and 1st of 60 new ones did not gain
        129 places): then both ranks are shown with their group sizes instead.
        """
        if self.figure is None or self.figure.ranked_units != ranked_units:
            return None
        return self.figure.rank - rank


def year_figures(period: AssessmentPeriod) -> dict[int, YearFigure]:
    """Every ranked unit's figure in the period, by unit id."""
    figures: dict[int, YearFigure] = {}
    for group in period_groups(period):
        standing = group_standing(group)
        for code in standing.ordered():
            unit = standing.units[code]
            figures[unit.pk] = YearFigure(standing, unit)
    return figures


def previous_year(
    period: AssessmentPeriod, units: Sequence[Unit], show_previous: bool
) -> dict[int, PreviousYear]:
    """For each unit (by id), its result in the year before `period`, through lineage.

    The unit itself if it was ranked last year; else its primary predecessor; else its only
    predecessor with a result; several predecessors without a primary one are listed and
    not compared. Returns {} when there is no period for the year before; every unit
    `HIDDEN` when the reader may not see it (`show_previous`, the policy's decision).
    """
    year = period.year - 1
    previous_period = AssessmentPeriod.objects.filter(year=year).first()
    if previous_period is None:
        return {}
    if not show_previous:
        return {unit.pk: PreviousYear(year, HIDDEN, None) for unit in units}
    figures = year_figures(previous_period)
    links: dict[int, list[UnitLineage]] = {}
    missing = [unit.pk for unit in units if unit.pk not in figures]
    if missing:
        for link in UnitLineage.objects.filter(successor_id__in=missing).select_related(
            "predecessor"
        ):
            links.setdefault(link.successor_id, []).append(link)
    found: dict[int, PreviousYear] = {}
    for unit in units:
        if unit.pk in figures:
            found[unit.pk] = PreviousYear(year, SAME, figures[unit.pk])
            continue
        predecessors = tuple(
            (link, figures.get(link.predecessor_id)) for link in links.get(unit.pk, [])
        )
        with_result = [(link, figure) for link, figure in predecessors if figure is not None]
        primary = [(link, figure) for link, figure in with_result if link.is_primary]
        if primary:
            found[unit.pk] = PreviousYear(year, PRIMARY, primary[0][1], predecessors)
        elif len(with_result) == 1:
            found[unit.pk] = PreviousYear(year, SOLE, with_result[0][1], predecessors)
        elif with_result:
            found[unit.pk] = PreviousYear(year, SEVERAL, None, predecessors)
        else:
            found[unit.pk] = PreviousYear(year, NONE, None, predecessors)
    return found
