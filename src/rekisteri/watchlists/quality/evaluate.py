"""Precision and recall of the matcher on the labelled pairs (pairs.jsonl, generate.py).

All the pairs' entries go into one index, as a loaded list would; each pair's score is the
score its subject gets for its own entry (0 where blocking does not even find it). At a
threshold, a pair scored at or above it is a predicted match: precision is the share of
predicted matches that are labelled matches, recall the share of labelled matches found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rekisteri.watchlists.matching import Index, Subject, _match
from rekisteri.watchlists.models import EntitySchema
from rekisteri.watchlists.normalize import entry_tokens

PAIRS = Path(__file__).with_name("pairs.jsonl")


@dataclass(frozen=True)
class Point:
    threshold: float
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int


def load_pairs(path: Path = PAIRS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _index(pairs: list[dict[str, Any]]) -> Index:
    rows = []
    for i, p in enumerate(pairs):
        e = p["entry"]
        tokens, codes = entry_tokens(e["names"], e["schema"] != EntitySchema.PERSON)
        rows.append(
            (
                i,
                f"pair-{p['id']}",
                0,
                "quality",
                e["names"][0],
                e["schema"],
                e["names"],
                e["birth_dates"],
                e["countries"],
                tokens,
                codes,
            )
        )
    return Index("quality", rows)


def subject_of(p: dict[str, Any]) -> Subject:
    s = p["subject"]
    return Subject(
        kind=s["kind"],
        names=tuple(s["names"]),
        birth_date=date.fromisoformat(s["birth_date"]) if s["birth_date"] else None,
        countries=tuple(s["countries"]),
    )


def pair_scores(pairs: list[dict[str, Any]]) -> list[float]:
    index = _index(pairs)
    scores = []
    for i, p in enumerate(pairs):
        found = {c.entity_id: c.score for c in _match(index, subject_of(p), 0.0)}
        scores.append(found.get(i, 0.0))
    return scores


def evaluate(
    pairs: list[dict[str, Any]] | None = None, thresholds: list[float] | None = None
) -> list[Point]:
    pairs = load_pairs() if pairs is None else pairs
    thresholds = thresholds or [round(0.5 + 0.05 * i, 2) for i in range(10)]
    scores = pair_scores(pairs)
    out = []
    for t in thresholds:
        tp = sum(1 for p, s in zip(pairs, scores, strict=True) if s >= t and p["match"])
        fp = sum(1 for p, s in zip(pairs, scores, strict=True) if s >= t and not p["match"])
        fn = sum(1 for p, s in zip(pairs, scores, strict=True) if s < t and p["match"])
        out.append(
            Point(
                threshold=t,
                precision=round(tp / (tp + fp), 4) if tp + fp else 1.0,
                recall=round(tp / (tp + fn), 4) if tp + fn else 1.0,
                true_positives=tp,
                false_positives=fp,
                false_negatives=fn,
            )
        )
    return out


def misses(pairs: list[dict[str, Any]] | None = None, threshold: float | None = None) -> list[str]:
    """The pairs the matcher gets wrong at the threshold, for tuning (not for the UI)."""
    from rekisteri.watchlists.matching import DEFAULT_THRESHOLD

    pairs = load_pairs() if pairs is None else pairs
    t = DEFAULT_THRESHOLD if threshold is None else threshold
    out = []
    for p, s in zip(pairs, pair_scores(pairs), strict=True):
        if (s >= t) != p["match"]:
            out.append(
                f"{p['category']}: {p['subject']['names']} / {p['entry']['names']} "
                f"{p['subject']['birth_date']} / {p['entry']['birth_dates']}: {s:.3f}"
            )
    return out


def table(points: list[Point]) -> str:
    """The curve as a Markdown table (docs/screening.md)."""
    lines = [
        "| threshold | precision | recall | true pos. | false pos. | false neg. |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for p in points:
        lines.append(
            f"| {p.threshold:.2f} | {p.precision:.3f} | {p.recall:.3f} | "
            f"{p.true_positives} | {p.false_positives} | {p.false_negatives} |"
        )
    return "\n".join(lines)
