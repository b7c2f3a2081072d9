"""Timing helpers and the report's shape."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

REQUIRED_KEYS = (
    "name",
    "status",
    "target",
    "unit",
    "items",
    "seconds",
    "per_second",
    "p50_ms",
    "p95_ms",
    "floor_seconds",
    "floor_per_second",
    "floor_p50_ms",
    "floor_p95_ms",
    "ratio",
    "peak_memory_mb",
    "note",
)


@dataclass
class Result:
    name: str
    target: str
    status: str = "ok"  # ok | not built | error
    unit: str = "rows"
    items: int = 0
    seconds: float | None = None
    per_second: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    floor_seconds: float | None = None
    floor_per_second: float | None = None
    floor_p50_ms: float | None = None
    floor_p95_ms: float | None = None
    ratio: float | None = None
    peak_memory_mb: float | None = None
    note: str = ""
    #: Why this operation costs more than its floor (shown when the ratio is over 2).
    why: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def per_item(fn: Callable[[Any], Any], items: Iterable[Any]) -> tuple[float, list[float]]:
    """Total seconds and each item's milliseconds."""
    times = []
    total_start = time.perf_counter()
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return time.perf_counter() - total_start, times


def per_item_pair(
    ours: Callable[[Any], Any], floor: Callable[[Any], Any], items: list[Any]
) -> tuple[tuple[float, list[float]], tuple[float, list[float]], dict[str, Any]]:
    """Each item timed with ours and with the floor, both on an equally warm cache.

    A first pass runs every item through both, ours first for even items and the floor
    first for odd ones (what a cold cache costs each, kept in `first_pass`); then the timed
    pass, again alternating which of the two goes first. Timing all of ours and then all of
    the floor let the floor find the pages ours had just read."""
    first: tuple[list[float], list[float]] = ([], [])
    timed_: tuple[list[float], list[float]] = ([], [])
    for record in (first, timed_):
        for n, item in enumerate(items):
            order = ((0, ours), (1, floor)) if n % 2 == 0 else ((1, floor), (0, ours))
            for which, fn in order:
                start = time.perf_counter()
                fn(item)
                record[which].append((time.perf_counter() - start) * 1000)
    first_pass = {
        "p50_ms": pct(first[0], 50),
        "p95_ms": pct(first[0], 95),
        "floor_p50_ms": pct(first[1], 50),
        "floor_p95_ms": pct(first[1], 95),
    }
    return (
        (sum(timed_[0]) / 1000, timed_[0]),
        (sum(timed_[1]) / 1000, timed_[1]),
        first_pass,
    )


def queries_of(fn: Callable[..., Any], *args: Any) -> int:
    """How many SQL statements one call makes (run once more, outside the timings)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn(*args)
    return len(ctx.captured_queries)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 3)


def fill_bulk(result: Result, items: int, seconds: float, floor_seconds: float) -> Result:
    result.items = items
    result.seconds = round(seconds, 4)
    result.per_second = round(items / seconds, 1) if seconds else None
    result.floor_seconds = round(floor_seconds, 4)
    result.floor_per_second = round(items / floor_seconds, 1) if floor_seconds else None
    result.ratio = round(seconds / floor_seconds, 2) if floor_seconds else None
    result.peak_memory_mb = peak_rss_mb()
    return result


def fill_per_item(
    result: Result,
    seconds: float,
    times: list[float],
    floor_seconds: float,
    floor_times: list[float],
) -> Result:
    result.items = len(times)
    result.seconds = round(seconds, 4)
    result.per_second = round(len(times) / seconds, 1) if seconds else None
    result.p50_ms, result.p95_ms = pct(times, 50), pct(times, 95)
    result.floor_seconds = round(floor_seconds, 4)
    result.floor_per_second = round(len(floor_times) / floor_seconds, 1) if floor_seconds else None
    result.floor_p50_ms, result.floor_p95_ms = pct(floor_times, 50), pct(floor_times, 95)
    p50, f50 = result.p50_ms, result.floor_p50_ms
    result.ratio = (
        round(p50 / f50, 2)
        if p50 and f50
        else (round(seconds / floor_seconds, 2) if floor_seconds else None)
    )
    result.peak_memory_mb = peak_rss_mb()
    return result


def explain_ratio(result: Result) -> None:
    """The issue asks that no operation be over 2x its floor without the report saying why."""
    if result.ratio is None or result.ratio <= 2:
        return
    if result.why:
        result.note = f"{result.note} Over 2x its floor because {result.why}".strip()
    else:
        result.note = f"{result.note} Over 2x its floor: see docs/performance.md for why".strip()


def report_problems(report: dict[str, Any]) -> list[str]:
    """What is missing or malformed in a report (used by the CI smoke test)."""
    problems = []
    for key in ("machine", "database", "size", "operations"):
        if key not in report:
            problems.append(f"missing {key}")
    for op in report.get("operations", []):
        for key in REQUIRED_KEYS:
            if key not in op:
                problems.append(f"{op.get('name', '?')}: missing {key}")
        if op.get("status") == "ok":
            for key in ("seconds", "floor_seconds", "ratio", "items"):
                if not isinstance(op.get(key), int | float):
                    problems.append(f"{op['name']}: {key} is not a number")
        elif op.get("status") not in ("not built", "error"):
            problems.append(f"{op.get('name')}: unknown status {op.get('status')!r}")
    return problems
