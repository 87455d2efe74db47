"""Statistics shared by every benchmark (and by shared/bench/canvas/bench.py, which imports
``summary`` from here): percentiles, median [min-max] summaries and per-round ratios.

A figure is measured once per round; rounds interleave the platform and its baseline, so
the ratio of one round compares two measurements taken seconds apart on the same machine.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return float(data[low] + (data[high] - data[low]) * (rank - low))


def summary(values: Iterable[float | None]) -> dict | None:
    """{"median", "min", "max", "n", "spread"} of the values that are not None; None when empty.

    ``spread`` is (max - min) / median, the relative range quoted in the tables.
    """
    data = [float(v) for v in values if v is not None]
    if not data:
        return None
    median = statistics.median(data)
    return {"median": median, "min": min(data), "max": max(data), "n": len(data),
            "spread": (max(data) - min(data)) / median if median else None}


def ratios(platform: Sequence[float | None], baseline: Sequence[float | None]) -> list[float]:
    """Round-by-round ratios platform / baseline (rounds where either is missing are skipped)."""
    return [p / b for p, b in zip(platform, baseline) if p is not None and b]


def latency_stats(samples_ms: Sequence[float]) -> dict:
    """p50, p95, p99 and max of one round's latencies (ms)."""
    return {"p50": percentile(samples_ms, 50), "p95": percentile(samples_ms, 95),
            "p99": percentile(samples_ms, 99), "max": max(samples_ms) if samples_ms else None,
            "n": len(samples_ms)}


def fmt(s: dict | None, digits: int = 1, unit: str = "") -> str:
    """"median [min–max]" of a summary, for the markdown table."""
    if not s:
        return "n/a"
    return f"{s['median']:.{digits}f}{unit} [{s['min']:.{digits}f}–{s['max']:.{digits}f}]"
