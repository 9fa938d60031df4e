"""One percentile rule for every latency the harness and the benchmarks print."""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile(values: Iterable[float], p: float) -> float:
    """The nearest-rank `p`-th percentile (0 < p <= 100): the smallest value that at least p% of `values` do not exceed.

    Same unit as `values`; raises ValueError when `values` is empty."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def p95(values: Iterable[float]) -> float:
    """The 95th percentile of `values` (nearest rank; see `percentile`)."""
    return percentile(values, 95)
