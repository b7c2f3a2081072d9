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


def test_the_prefilter_drops_no_candidate_the_full_scoring_would_keep() -> None:
    """The fast path (token similarities in C, a bound on each name's score) gives exactly
    the answers of scoring every name of every block in Python."""
    import numpy as np

    from rekisteri.watchlists.matching import _match, token_matrix, token_similarity
    from rekisteri.watchlists.normalize import name_tokens
    from rekisteri.watchlists.quality.evaluate import _index, subject_of

    pairs = load_pairs()
    index = _index(pairs)
    cols = np.arange(len(index.vocab_words))
    for p in pairs[::7]:
        subject = subject_of(p)
        for threshold in (DEFAULT_THRESHOLD, 0.6):
            assert _match(index, subject, threshold) == _match(
                index, subject, threshold, prefilter=False
            ), p["id"]
        ours = name_tokens(subject.names[0], subject.kind != "person")  # catalogue-free: kind
        matrix = token_matrix(index, ours, cols)
        for i, a in enumerate(ours):
            for c in range(1, len(cols), 5):
                assert matrix[i, c] == token_similarity(a, index.vocab_words[c]), (a, c)
