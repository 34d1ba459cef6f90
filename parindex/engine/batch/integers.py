"""Integer arrays of the batch engine: their types, the int64 limit, small converters.

Figures are int64 while every bound of a computation stays below `LIMIT`, and Python
integers in object arrays beyond it, with the same code. Every module reads the limit as
`integers.LIMIT`, so that a test can lower it once and send every figure down the Python
integer path (tests/engine/test_oracle.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]  # int64, or object (Python ints) when a figure could pass 2**62
Bools = NDArray[np.bool_]
Exps = NDArray[np.int32]

LIMIT = 2**62  # int64 arithmetic is used only when every bound stays below this


def _column(values: Sequence[int], dtype: Any) -> Array:
    """A (n, 1) column of integers, broadcast against (n, units) blocks."""
    return np.array(list(values), dtype=dtype).reshape(-1, 1)


def _exp(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return exponent
