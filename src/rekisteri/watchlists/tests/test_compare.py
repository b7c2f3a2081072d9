"""The comparison with nomenklatura (quality/compare.py) reports every matcher it can run
on the labelled pairs; nomenklatura itself is optional (the `compare` extra)."""

from __future__ import annotations

import pytest

from rekisteri.watchlists.matching import DEFAULT_THRESHOLD
from rekisteri.watchlists.quality.compare import nomenklatura_rows, ours, table
from rekisteri.watchlists.quality.evaluate import load_pairs


def test_ours_is_reported_with_precision_recall_and_f1() -> None:
    row = ours(load_pairs())
    assert row.threshold == DEFAULT_THRESHOLD
    assert row.recall >= 0.98 and row.precision >= 0.90
    assert 0 < row.f1 <= row.best_f1 <= 1
    assert "rekisteri (ours)" in table([row])


def test_nomenklatura_algorithms_are_measured_on_the_same_pairs() -> None:
    pytest.importorskip("nomenklatura")
    pairs = load_pairs()[::10]
    rows = nomenklatura_rows(pairs, ("logic-v1", "name-based"))
    assert rows, "no nomenklatura algorithm ran"
    for row in rows:
        assert row.matcher.startswith("nomenklatura ")
        assert 0 <= row.precision <= 1 and 0 <= row.recall <= 1
