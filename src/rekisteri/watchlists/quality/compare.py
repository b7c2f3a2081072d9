"""Our matcher beside nomenklatura's on the labelled pairs (pairs.jsonl): precision, recall
and F1 at each matcher's threshold, the best F1 over thresholds, and the time per pair.

    python -m rekisteri.watchlists.quality.compare [--json] [--algorithms logic-v2,name-based]

nomenklatura (OpenSanctions' matching library) is optional: `pip install 'rekisteri[compare]'`.
Without it only our matcher is measured. Each nomenklatura algorithm compares the pair's two
FollowTheMoney entities directly (`algorithm.compare(subject, entry, config)`: one pair at a
time, no candidate index); ours scores the subject against an index of every entry of the
set, as a screening does (blocking included), and its score for the pair's own entry
counts (0 when blocking does not find it). Our time per pair is the subject's
normalisation, block lookup and the scoring of every candidate in the blocks (threshold 0,
so without the prefilter); it excludes normalising the entries (a load does that).
nomenklatura's is one `compare` call; it excludes building the two entities.

The set is ours (made-up names, generate.py); a matcher tuned on other data is measured here
on the kinds of differences this set holds, and the figures say nothing about real lists.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

#: the threshold yente (OpenSanctions' API) flags a match at by default, for nomenklatura's
#: algorithms; ours is DEFAULT_THRESHOLD
NK_THRESHOLD = 0.7
#: nomenklatura's algorithms compared when none are named (the ones its release offers)
NK_DEFAULT = ("logic-v2", "logic-v1", "name-based", "name-qualified", "regression-v1")


@dataclass(frozen=True)
class Row:
    matcher: str
    threshold: float
    precision: float
    recall: float
    f1: float
    best_f1: float
    best_threshold: float
    ms_per_pair: float
    note: str = ""


def _prf(labels: list[bool], scores: list[float], t: float) -> tuple[float, float, float]:
    tp = sum(1 for m, s in zip(labels, scores, strict=True) if m and s >= t)
    fp = sum(1 for m, s in zip(labels, scores, strict=True) if not m and s >= t)
    fn = sum(1 for m, s in zip(labels, scores, strict=True) if m and s < t)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def row_of(
    name: str,
    labels: list[bool],
    scores: list[float],
    threshold: float,
    seconds: float,
    note: str = "",
) -> Row:
    p, r, f = _prf(labels, scores, threshold)
    grid = [round(0.30 + 0.01 * i, 2) for i in range(70)]
    best_t = max(grid, key=lambda t: (_prf(labels, scores, t)[2], -abs(t - threshold)))
    return Row(
        matcher=name,
        threshold=threshold,
        precision=round(p, 3),
        recall=round(r, 3),
        f1=round(f, 3),
        best_f1=round(_prf(labels, scores, best_t)[2], 3),
        best_threshold=best_t,
        ms_per_pair=round(seconds * 1000 / max(len(scores), 1), 3),
        note=note,
    )


def ours(pairs: list[dict[str, Any]]) -> Row:
    from rekisteri.watchlists.matching import DEFAULT_THRESHOLD, _match
    from rekisteri.watchlists.quality.evaluate import _index, subject_of

    index = _index(pairs)  # the entries normalised, as a load does: not timed
    subjects = [subject_of(p) for p in pairs]
    for s in subjects[:10]:
        _match(index, s, 0.0)  # warm the caches' imports
    start = time.perf_counter()
    # threshold 0: every candidate scored in full (no prefilter), so that the curve is whole
    found = [{c.entity_id: c.score for c in _match(index, s, 0.0)} for s in subjects]
    seconds = time.perf_counter() - start
    scores = [f.get(i, 0.0) for i, f in enumerate(found)]
    labels = [bool(p["match"]) for p in pairs]
    return row_of(
        "rekisteri (ours)",
        labels,
        scores,
        DEFAULT_THRESHOLD,
        seconds,
        "blocking and scoring against an index of all the set's entries",
    )


def _entity(side: dict[str, Any], key: str, entry: bool) -> Any:
    from followthemoney import model

    kind = side["schema"] if entry else side["kind"]
    schema = "Person" if kind == "person" else "Company"  # catalogue-free: list schema
    entity = model.make_entity(schema)
    entity.id = key
    for name in side["names"]:
        entity.add("name", name)
    dates = side["birth_dates"] if entry else ([side["birth_date"]] if side["birth_date"] else [])
    if schema == "Person":
        for d in dates:
            entity.add("birthDate", d)
    for country in side["countries"]:
        entity.add("nationality" if schema == "Person" else "country", country.lower())
    return entity


def nomenklatura_scorers(names: tuple[str, ...]) -> dict[str, Callable[[Any, Any], float]]:
    """The named algorithms of the installed nomenklatura, as score(subject, entry)."""
    from nomenklatura.matching import get_algorithm

    try:
        from nomenklatura.matching.types import ScoringConfig

        config: Any = ScoringConfig.defaults()
    except ImportError:  # pragma: no cover - an older release: compare(query, match)
        config = None
    out: dict[str, Callable[[Any, Any], float]] = {}
    for name in names:
        algorithm = get_algorithm(name)
        if algorithm is None:
            continue

        def score(q: Any, r: Any, algorithm: Any = algorithm) -> float:
            res = algorithm.compare(q, r, config) if config is not None else algorithm.compare(q, r)
            return float(res.score if hasattr(res, "score") else res["score"])

        out[name] = score
    return out


def nomenklatura_rows(pairs: list[dict[str, Any]], names: tuple[str, ...]) -> list[Row]:
    import nomenklatura

    version = getattr(nomenklatura, "__version__", "")
    if not version:
        from importlib.metadata import version as dist_version

        version = dist_version("nomenklatura")
    labels = [bool(p["match"]) for p in pairs]
    entities = [
        (_entity(p["subject"], f"s{p['id']}", False), _entity(p["entry"], f"e{p['id']}", True))
        for p in pairs
    ]
    rows = []
    for name, score in nomenklatura_scorers(names).items():
        for q, r in entities[:10]:  # warm its caches and imports
            score(q, r)
        start = time.perf_counter()
        scores = [score(q, r) for q, r in entities]
        seconds = time.perf_counter() - start
        rows.append(
            row_of(
                f"nomenklatura {version} {name}",
                labels,
                scores,
                NK_THRESHOLD,
                seconds,
                "one pair at a time",
            )
        )
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| matcher | threshold | precision | recall | F1 | best F1 (at) | ms per pair |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.matcher} | {r.threshold:.2f} | {r.precision:.3f} | {r.recall:.3f} | "
            f"{r.f1:.3f} | {r.best_f1:.3f} ({r.best_threshold:.2f}) | {r.ms_per_pair:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--algorithms", default=",".join(NK_DEFAULT))
    args = parser.parse_args(argv)
    django.setup()
    from rekisteri.watchlists.quality.evaluate import load_pairs

    pairs = load_pairs()
    rows = [ours(pairs)]
    try:
        rows += nomenklatura_rows(pairs, tuple(a for a in args.algorithms.split(",") if a))
    except ImportError as exc:
        print(f"nomenklatura is not installed ({exc}); only ours is measured", file=sys.stderr)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print(f"{len(pairs)} labelled pairs ({sum(p['match'] for p in pairs)} matches)")
        print(table(rows))
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rekisteri.settings")
    raise SystemExit(main())
