"""Framework sensitivity of a group (`parindex.planning.framework_sensitivity`): for each area
(or criterion) its maximum ± a share or the node removed, the group re-scored by the engine;
rank shifts and Spearman's ρ. Cached per version of the group's entries, share and level."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache

from parindex.planning import framework_sensitivity
from parindex.plans.selectors.data import GroupData

CACHE_SECONDS = 30 * 60
SHARES = (Decimal("0.05"), Decimal("0.1"), Decimal("0.2"))
LEVELS = ("area", "criterion")


@dataclass(frozen=True)
class SensitivityLine:
    code: str
    title: str
    factor: Decimal | None  # None: the node removed
    mean_abs_shift: float
    max_abs_shift: int
    units_moved: int
    spearman: float | None
    largest_moves: tuple[tuple[str, int], ...]  # (unit name, places gained)

    @property
    def removed(self) -> bool:
        return self.factor is None


def sensitivity_lines(data: GroupData, share: Decimal, level: str) -> list[SensitivityLine]:
    """Every variant's line (cached while the group's entries do not change)."""
    digest = hashlib.sha256(repr(data.fingerprint).encode("utf-8")).hexdigest()[:24]
    key = f"plans:sensitivity:{data.group.pk}:{digest}:{share}:{level}"
    found = cache.get(key)
    if found is not None:
        return list(found)
    if data.ranking is None or len(data.inputs) < 2:
        return []
    report = framework_sensitivity(data.framework, data.inputs, share=share, level=level)
    names = {code: unit.name for code, unit in data.units.items()}
    lines = [
        SensitivityLine(
            code=row.code,
            title=row.title,
            factor=row.factor,
            mean_abs_shift=row.mean_abs_shift,
            max_abs_shift=row.max_abs_shift,
            units_moved=row.units_moved,
            spearman=row.spearman,
            largest_moves=tuple((names.get(unit, unit), move) for unit, move in row.largest_moves),
        )
        for row in report.rows
    ]
    cache.set(key, lines, CACHE_SECONDS)
    return lines
