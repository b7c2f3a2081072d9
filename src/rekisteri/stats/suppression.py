"""Small-group suppression: the one rule that keeps statistics anonymous.

A cell counting fewer people than the threshold is never shown. Rows whose every cell is
suppressed are merged into one "other" row, whose cells are shown only if they reach the
threshold themselves. No true total is printed, so a suppressed cell cannot be worked out by
subtracting the shown ones from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

OTHER = "other"


@dataclass
class Row:
    label: str
    values: dict[str, int | None]


@dataclass
class Suppressed:
    rows: list[Row] = field(default_factory=list)
    suppressed_rows: int = 0
    suppressed_cells: int = 0


def suppress(
    groups: Mapping[str, Mapping[str, int]], metrics: Sequence[str], threshold: int
) -> Suppressed:
    if threshold < 2:
        raise ValueError("the threshold must be at least 2")
    out = Suppressed()
    other: dict[str, int] = dict.fromkeys(metrics, 0)
    merged = 0
    for label in sorted(groups, key=lambda g: (-max(groups[g].values() or [0]), g)):
        counts = groups[label]
        values: dict[str, int | None] = {}
        for m in metrics:
            n = int(counts.get(m, 0))
            if 0 < n < threshold:
                values[m] = None
                out.suppressed_cells += 1
            else:
                values[m] = n
        if all(values[m] is None or values[m] == 0 for m in metrics) and any(
            counts.get(m, 0) for m in metrics
        ):
            out.suppressed_rows += 1
            merged += 1
            for m in metrics:
                other[m] += int(counts.get(m, 0))
            continue
        if not any(counts.get(m, 0) for m in metrics):
            continue
        out.rows.append(Row(label, values))
    if merged:
        values = {m: (other[m] if other[m] >= threshold else None) for m in metrics}
        if any(v for v in values.values()):
            out.rows.append(Row(OTHER, values))
    return out
