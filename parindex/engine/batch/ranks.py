"""Ranks and classes of a group's scores (`GroupRanks`): competition ranks ("1224") of the
totals and of every area, classes from the published index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..model import ClassBand
from ..numbers import decimals, scaled
from . import integers
from .integers import Array

if TYPE_CHECKING:
    from .scores import GroupScores


def competition_rank(values: Array) -> NDArray[np.int64]:
    """Competition ranks ("1224") along the last axis, highest value first.

    A rank is one more than the number of strictly higher values; exact integers only.
    """
    values = np.asarray(values)
    count = values.shape[-1]
    if count == 0:
        return np.zeros(values.shape, dtype=np.int64)
    order = np.argsort(-values, axis=-1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=-1)
    starts = np.ones(values.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    first = np.where(starts, np.arange(count), 0)
    first = np.maximum.accumulate(first, axis=-1)
    ranks = np.empty(values.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=-1)
    return ranks


def class_index(
    index: Array, index_places: int, bands: Sequence[ClassBand]
) -> tuple[NDArray[np.intp], tuple[str, ...]]:
    """For each index (× 10**index_places) the position in the returned labels, −1 for none.

    A unit is in the highest band whose minimum its published index reaches.
    """
    minimums, labels, places = _band_table(tuple(bands), index_places)
    values = np.asarray(index) * 10 ** (places - index_places)
    if values.dtype == object or minimums.dtype == object:
        values, minimums = values.astype(object), minimums.astype(object)
    reached = np.searchsorted(minimums, values, side="right") - 1
    return reached.astype(np.intp), labels


@lru_cache(maxsize=256)
def _band_table(
    bands: tuple[ClassBand, ...], index_places: int
) -> tuple[Array, tuple[str, ...], int]:
    """Band minimums ascending as integers (at `places` decimals), with their labels."""
    # Among equal minimums the band listed first must win, so it goes last.
    ordered = sorted(enumerate(bands), key=lambda item: (item[1].min_percent, -item[0]))
    labels = tuple(band.label for _, band in ordered)
    places = max([index_places, *(decimals(band.min_percent) for _, band in ordered)])
    scaled_minimums = [scaled(band.min_percent, places) for _, band in ordered]
    fits = all(-integers.LIMIT < value < integers.LIMIT for value in scaled_minimums)
    minimums = np.array(scaled_minimums, dtype=np.int64 if fits else object)
    minimums.flags.writeable = False
    return minimums, labels, places


@dataclass(frozen=True, eq=False)
class GroupRanks:
    """Ranks and classes of (some of) a group's units; arrays follow `rows`."""

    scores: GroupScores
    rows: NDArray[np.intp]  # columns of `scores` ranked
    units: tuple[str, ...]  # their names
    rank: NDArray[np.int64]
    class_index: NDArray[np.intp]  # into `labels`, −1 below every band
    labels: tuple[str, ...]
    area_ranks: NDArray[np.int64]  # areas × ranked units

    def classes(self) -> list[str]:
        return [self.labels[i] if i >= 0 else "" for i in self.class_index.tolist()]


def rank_scores(scores: GroupScores, rows: Sequence[int] | None = None) -> GroupRanks:
    """Rank the units of a group (or the columns `rows` of it): totals, classes, areas."""
    if rows is None:
        columns = np.arange(len(scores.units), dtype=np.intp)
        units = scores.units
    else:
        columns = np.asarray(rows, dtype=np.intp)
        units = tuple(scores.units[row] for row in columns.tolist())
    info = scores.framework.info
    classes, labels = class_index(scores.index[columns], info.index_places, info.class_bands)
    return GroupRanks(
        scores,
        columns,
        units,
        competition_rank(scores.total[columns]),
        classes,
        labels,
        competition_rank(scores.area_points[:, columns]),
    )
