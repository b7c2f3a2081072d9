"""The matcher's quality on the labelled pairs (issue 15): a quality assertion, no timing.

At the default threshold the matcher must find at least 98 % of the labelled matches
(recall) while at least 90 % of what it flags is a labelled match (precision).
"""

from __future__ import annotations

from collections import Counter

from rekisteri.watchlists.matching import DEFAULT_THRESHOLD
from rekisteri.watchlists.quality.evaluate import evaluate, load_pairs, misses


def test_the_labelled_set_has_every_category_the_issue_names() -> None:
    pairs = load_pairs()
    assert len(pairs) >= 500
    categories = Counter(p["category"] for p in pairs)
    for category in (
        "diacritics",
        "cyrillic",
        "arabic",
        "word_order",
        "initials",
        "middle_name",
        "typo",
        "birth_date_off",
        "finnish_different",
        "swedish_different",
    ):
        assert categories[category] >= 30, category
    assert sum(p["match"] for p in pairs) >= 200
    assert sum(not p["match"] for p in pairs) >= 200


def test_recall_and_precision_at_the_default_threshold() -> None:
    (point,) = evaluate(thresholds=[DEFAULT_THRESHOLD])
    wrong = "\n".join(misses()[:40])
    assert point.recall >= 0.98, f"recall {point.recall}; wrong:\n{wrong}"
    assert point.precision >= 0.90, f"precision {point.precision}; wrong:\n{wrong}"
