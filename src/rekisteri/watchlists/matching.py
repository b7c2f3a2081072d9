"""Matching register subjects against the current list versions.

Two steps, so that one screening against a 50,000-entry list stays within milliseconds:

1. **Blocking.** An in-memory index maps keys to the names of the entries, persons apart
   from organisations: each pair of a name's token codes (sorted, so word order does not
   matter; any pair, so a missing middle name does not either), and each code with another
   token's first letter (an initial, "J. Smith", or a typo after the first letter); a name
   of one token is its code. A subject looks up the same keys of its own names. The index
   is built from the precomputed tokens and codes of the current versions (no
   normalisation at build time), kept per process, and rebuilt when `lists_fingerprint()`
   changes (asked at most once a second; a load in this process forgets it at once).
2. **Scoring** each candidate name: tokens are aligned one to one (best first) by their
   edit similarity (rapidfuzz's optimal string alignment), where a typo still counts, a
   transliteration variant with the same phonetic code counts almost fully, and an initial
   counts for the name it begins. The score is the weighted share of the shorter name that
   is matched, a little less for each token of the longer name left over (a middle name).
   A birth date that agrees raises it, one off by a day or with day and month swapped
   keeps it, one that differs lowers it well below the threshold; a shared country raises
   it a little.

`match_many` re-screens a whole register in worker processes that share the parent's
index (fork). docs/screening.md gives the precision and recall at each threshold.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations, islice
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from rekisteri.watchlists.models import EntitySchema, ListEntity
from rekisteri.watchlists.normalize import code, consonants, initial, name_tokens, skeleton
from rekisteri.watchlists.selectors import lists_fingerprint

PERSON = "person"  # catalogue-free: a subject's kind in the matching contract
ORGANISATION = "organisation"

#: the score at or above which a candidate is a potential match (docs/screening.md)
DEFAULT_THRESHOLD: float = 0.80

#: token similarity below this does not count as the same token
TOKEN_FLOOR = 0.75
#: tokens of a name the index pairs (a longer name is cut; lists rarely have more)
MAX_TOKENS = 7
#: tokens of a name the prefilter reads (a longer name is always scored in full)
PREFILTER_WIDTH = 8


@dataclass(frozen=True)
class Subject:
    kind: str  # "person" | "organisation"
    names: tuple[str, ...]
    birth_date: date | None = None
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    kind: str  # "name" | "alias" | "birth_date" | "country"
    ours: str
    theirs: str
    similarity: float


@dataclass(frozen=True)
class Candidate:
    entity_id: int
    entity_key: str
    list_name: str
    list_version_id: int
    caption: str
    score: float
    reasons: tuple[Reason, ...]


# --- the index ------------------------------------------------------------------------------


def _pair(a: str, b: str) -> str:
    return f"{a}|{b}" if a <= b else f"{b}|{a}"


class Index:
    """The current versions' names, blocked by phonetic keys. Built once per fingerprint."""

    def __init__(self, fingerprint: str, rows: Iterable[tuple[Any, ...]]) -> None:
        self.fingerprint = fingerprint
        self.entity_ids: list[int] = []
        self.keys: list[str] = []
        self.list_names: list[str] = []
        self.version_ids: list[int] = []
        self.captions: list[str] = []
        self.is_person: list[bool] = []
        self.birth_dates: list[tuple[str, ...]] = []
        self.countries: list[frozenset[str]] = []
        self.names: list[list[str]] = []
        #: per name: (entity index, position in the entity's names, tokens, codes)
        self.name_entity: list[int] = []
        self.name_pos: list[int] = []
        self.name_tokens: list[tuple[str, ...]] = []
        self.name_codes: list[tuple[str, ...]] = []
        #: per kind (True: person entries, False: organisations and others), so that an
        #: organisation's lookup never walks the persons' blocks
        self.blocks: dict[bool, dict[str, list[int]]] = {True: {}, False: {}}
        self.tokens: dict[bool, dict[str, list[int]]] = {True: {}, False: {}}
        #: blocks found per normalised name, since a register repeats its names
        self._found: dict[tuple[bool, tuple[str, ...]], np.ndarray] = {}
        for row in rows:
            self._add(*row)
        self._finish()

    def __len__(self) -> int:
        return len(self.entity_ids)

    def _add(
        self,
        entity_id: int,
        key: str,
        version_id: int,
        list_name: str,
        caption: str,
        schema: str,
        names: list[str],
        birth_dates: list[str],
        countries: list[str],
        tokens: list[list[str]],
        codes: list[list[str]],
    ) -> None:
        e = len(self.entity_ids)
        self.entity_ids.append(entity_id)
        self.keys.append(key)
        self.version_ids.append(version_id)
        self.list_names.append(list_name)
        self.captions.append(caption)
        self.is_person.append(schema == EntitySchema.PERSON)
        self.birth_dates.append(tuple(birth_dates))
        self.countries.append(frozenset(countries))
        self.names.append(names)
        person = schema == EntitySchema.PERSON
        blocks, singles = self.blocks[person], self.tokens[person]
        for pos, (toks, cods) in enumerate(zip(tokens, codes, strict=False)):
            if not toks:
                continue
            n = len(self.name_entity)
            self.name_entity.append(e)
            self.name_pos.append(pos)
            self.name_tokens.append(tuple(toks))
            self.name_codes.append(tuple(cods))
            keys = block_keys(tuple(toks[:MAX_TOKENS]), tuple(cods[:MAX_TOKENS]))
            for c in set(cods):
                singles.setdefault(c, []).append(n)
            for k in keys:
                blocks.setdefault(k, []).append(n)

    def _finish(self) -> None:
        """The arrays the prefilter reads: every distinct token of the names once (its
        length, first letter, skeleton, consonants and code, as ids), and each name as a row
        of token ids (0 pads it)."""
        vocab: dict[str, int] = {"": 0}
        for toks in self.name_tokens:
            for t in toks:
                if t not in vocab:
                    vocab[t] = len(vocab)
        self.vocab = vocab
        words = list(vocab)
        self.vocab_words = words
        self.vocab_skeletons = [skeleton(w) if w else "" for w in words]
        self.vocab_arr = np.array(words, dtype=object)
        self.skeleton_arr = np.array(self.vocab_skeletons, dtype=object)
        #: per subject token: its features as the prefilter compares them
        self._subject_features: dict[str, tuple[str, int, int, int, int, int, int]] = {}
        self._feature_ids: dict[str, dict[str, int]] = {"skel": {}, "cons": {}, "code": {}}
        self.tok_len = np.array([len(w) for w in words], dtype=np.int32)
        self.tok_first = np.array([ord(w[0]) if w else -1 for w in words], dtype=np.int32)
        self.tok_skel = self._ids("skel", self.vocab_skeletons)
        self.tok_skel_len = np.array([len(x) for x in self.vocab_skeletons], dtype=np.int32)
        self.tok_cons = self._ids("cons", [consonants(w) if w else "" for w in words])
        self.tok_code = self._ids("code", [code(w) if w else "" for w in words])
        width = max((len(t) for t in self.name_tokens), default=1)
        self.width = max(1, min(width, PREFILTER_WIDTH))
        rows = np.zeros((len(self.name_tokens), self.width), dtype=np.int32)
        #: names longer than the width are always scored in full (no prefilter)
        self.long_names = np.zeros(len(self.name_tokens), dtype=bool)
        for n, toks in enumerate(self.name_tokens):
            if len(toks) > self.width:
                self.long_names[n] = True
                toks = toks[: self.width]
            rows[n, : len(toks)] = [vocab[t] for t in toks]
        self.name_rows = rows
        self.name_len = np.array([len(t) for t in self.name_tokens], dtype=np.int32)
        self.name_entity_arr = np.array(self.name_entity, dtype=np.int64)

    def _ids(self, feature: str, values: list[str]) -> np.ndarray:
        ids = self._feature_ids[feature]
        out = np.empty(len(values), dtype=np.int64)
        for k, v in enumerate(values):
            if not v:
                out[k] = -1
                continue
            i = ids.get(v)
            if i is None:
                i = ids[v] = len(ids)
            out[k] = i
        return out

    def feature_id(self, feature: str, value: str) -> int:
        """A subject token's feature as an id comparable with the vocabulary's (-2: none
        of the list's tokens has it)."""
        return self._feature_ids[feature].get(value, -2)

    def candidates(self, tokens: tuple[str, ...], person: bool = True) -> np.ndarray:
        """Names of person entries (or of the others) that share a block with this name
        (indices into the name arrays, sorted)."""
        cached = self._found.get((person, tokens))
        if cached is not None:
            return cached
        tokens = tokens[:MAX_TOKENS]
        found: set[int] = set()
        get = self.blocks[person].get
        for key in block_keys(tokens, tuple(code(t) for t in tokens)):
            hit = get(key)
            if hit:
                found.update(hit)
        if len(tokens) == 1:  # one word: every name that has it
            found.update(self.tokens[person].get(code(tokens[0]), ()))
        else:  # an entry known by one word ("Hamas") is found by any of ours
            for t in tokens:
                found.update(get(code(t), ()))
        out = np.fromiter(sorted(found), dtype=np.int64, count=len(found))
        if len(self._found) < 100_000:
            self._found[(person, tokens)] = out
        return out


def block_keys(tokens: tuple[str, ...], codes: tuple[str, ...]) -> set[str]:
    """The blocking keys of one name: each pair of its tokens' codes (sorted: word order
    does not matter; any pair: a missing middle name does not either), and each code with
    another token's first letter (an initial, or a typo after the first letter); a name of
    one token is its code."""
    if len(codes) == 1:
        return {codes[0]}
    keys = {_pair(a, b) for a, b in combinations(codes, 2)}
    firsts = [initial(t) for t in tokens]
    for i, c in enumerate(codes):
        if len(c) > 1 or len(tokens[i]) > 1:
            for j, f in enumerate(firsts):
                if j != i:
                    keys.add(f"{c}|{f}")
    return keys


_INDEX: Index | None = None
_CHECKED_AT = 0.0
#: seconds a process trusts its index before it asks the database for the fingerprint
#: again (a load in this process forgets the index at once: `forget_index`)
CHECK_EVERY = 1.0


def _rows() -> Iterator[tuple[Any, ...]]:
    qs = ListEntity.objects.filter(version__is_current=True).values_list(
        "id",
        "key",
        "version_id",
        "version__watchlist__name",
        "caption",
        "schema",
        "names",
        "birth_dates",
        "countries",
        "name_tokens",
        "name_codes",
    )
    yield from qs.iterator(chunk_size=5000)


def current_index() -> Index:
    """The index of the current versions, rebuilt when a current version has changed."""
    global _INDEX, _CHECKED_AT
    now = time.monotonic()
    if _INDEX is not None and now - _CHECKED_AT < CHECK_EVERY:
        return _INDEX
    fingerprint = lists_fingerprint()
    if _INDEX is None or _INDEX.fingerprint != fingerprint:
        _INDEX = Index(fingerprint, _rows())
    _CHECKED_AT = now
    return _INDEX


def forget_index() -> None:
    """The next match reads the current versions again (after a load; between tests)."""
    global _INDEX
    _INDEX = None


# --- scoring --------------------------------------------------------------------------------


@lru_cache(maxsize=300_000)
def token_similarity(a: str, b: str) -> float:
    """0..1; cached, because a register and a list repeat their first and last names."""
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:  # an initial stands for the name it begins
        return 0.9 if a[0] == b[0] else 0.0
    longest = max(len(a), len(b))
    sim = 1.0 - OSA.distance(a, b) / longest
    if sim < 0.95:  # transliteration variants: Shcherbakov / Scerbakov, Yuriy / Jurij
        sa, sb = skeleton(a), skeleton(b)
        if sa == sb:
            sim = max(sim, 0.95)
        elif min(len(sa), len(sb)) >= 4:
            sim = max(sim, 0.97 * (1.0 - OSA.distance(sa, sb) / max(len(sa), len(sb))))
    if sim < 0.85 and len(a) >= 4 and len(b) >= 4 and consonants(a) == consonants(b):
        sim = 0.85  # vowels written differently: Umar / Omar, Nasir / Nasser
    if sim < 0.9 and min(len(a), len(b)) >= 4 and a[0] == b[0] and code(a) == code(b):
        sim = 0.9  # a transliteration variant: Mohammed, Muhammad
    return sim if sim >= TOKEN_FLOOR else 0.0


@lru_cache(maxsize=200_000)
def name_similarity(ours: tuple[str, ...], theirs: tuple[str, ...]) -> float:
    """The weighted share of the shorter name matched one to one, less for leftovers."""
    if not ours or not theirs:
        return 0.0
    pairs = []
    for i, a in enumerate(ours):
        for j, b in enumerate(theirs):
            s = token_similarity(a, b)
            if s > 0:
                pairs.append((s, i, j))
    if not pairs:
        return 0.0
    pairs.sort(reverse=True)
    used_i: set[int] = set()
    used_j: set[int] = set()
    matched = 0.0
    weight = 0.0
    for s, i, j in pairs:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        w = max(len(ours[i]), len(theirs[j]))
        matched += s * w
        weight += w
    short, used_short = (ours, used_i) if len(ours) <= len(theirs) else (theirs, used_j)
    weight += sum(len(t) for k, t in enumerate(short) if k not in used_short)
    score = matched / weight if weight else 0.0
    leftover = max(len(ours), len(theirs)) - len(used_i)
    score *= 1.0 - 0.03 * min(leftover, 3)
    if len(short) == 1 and max(len(ours), len(theirs)) > 1:
        score *= 0.75  # one name against a full name: a surname alone is no match
    return score


def date_similarity(ours: date, theirs: str) -> float:
    """1 the same day, 0.9 a day apart or day and month swapped, 0.8 the same year (or
    month) where the list gives only that, 0 otherwise."""
    if len(theirs) == 10:
        try:
            other = date.fromisoformat(theirs)
        except ValueError:
            return 0.0
        if other == ours:
            return 1.0
        if abs(other - ours) <= timedelta(days=1):
            return 0.9
        if (other.year, other.month, other.day) == (ours.year, ours.day, ours.month):
            return 0.9
        return 0.0
    if len(theirs) == 7:
        return 0.8 if theirs == f"{ours.year:04d}-{ours.month:02d}" else 0.0
    if len(theirs) == 4:
        return 0.8 if theirs == f"{ours.year:04d}" else 0.0
    return 0.0


#: the most dates and countries can add to a name's score (see _score)
_MAX_BONUS = 0.09


def _score(
    index: Index,
    subject_names: list[tuple[str, tuple[str, ...]]],
    subject: Subject,
    e: int,
    names: list[int],
    threshold: float,
) -> tuple[float, list[Reason]]:
    best, best_n, best_text = 0.0, -1, ""
    for n in sorted(names):  # the main name first: an alias wins only by a better score
        theirs = index.name_tokens[n]
        for ours_text, ours in subject_names:
            s = name_similarity(ours, theirs)
            if s > best:
                best, best_n, best_text = s, n, ours_text
    if best_n < 0 or best + _MAX_BONUS < threshold:
        return 0.0, []
    pos = index.name_pos[best_n]
    best_reason = Reason(
        "name" if pos == 0 else "alias", best_text, index.names[e][pos], round(best, 3)
    )
    reasons = [best_reason]
    score = best
    dates = index.birth_dates[e]
    if subject.birth_date is not None and dates:
        d_best, d_theirs = 0.0, dates[0]
        for d in dates:
            s = date_similarity(subject.birth_date, d)
            if s > d_best:
                d_best, d_theirs = s, d
        if d_best >= 1.0:
            score += 0.06
        elif d_best > 0:
            score += 0.02
        else:
            score *= 0.7
        if d_best > 0:
            reasons.append(Reason("birth_date", subject.birth_date.isoformat(), d_theirs, d_best))
    countries = index.countries[e]
    if subject.countries and countries:
        shared = sorted({c.lower() for c in subject.countries} & countries)
        if shared:
            score += 0.03
            reasons.append(Reason("country", shared[0].upper(), shared[0].upper(), 1.0))
        else:
            score *= 0.97
    return min(score, 1.0), reasons


def _features(index: Index, token: str) -> tuple[str, int, int, int, int, int, int]:
    """A subject token's skeleton, length, first letter, the ids of its skeleton,
    consonants and code in the vocabulary's id space (-2: no list token has it), and its
    skeleton's length; cached per index."""
    got = index._subject_features.get(token)
    if got is None:
        sk = skeleton(token)
        got = (
            sk,
            len(token),
            ord(token[0]),
            index.feature_id("skel", sk),
            index.feature_id("cons", consonants(token)),
            index.feature_id("code", code(token)),
            len(sk),
        )
        if len(index._subject_features) < 200_000:
            index._subject_features[token] = got
    return got


def token_matrix(index: Index, ours: tuple[str, ...], cols: np.ndarray) -> np.ndarray:
    """`token_similarity(ours[i], word)` for each of our tokens and each vocabulary word in
    `cols` (the padding id 0, the empty word, gives 0), computed in C: rapidfuzz's `cdist`
    for the edit similarities of the tokens and of their skeletons, numpy for the rules."""
    feats = [_features(index, t) for t in ours]
    raw = cdist(
        ours, index.vocab_arr[cols].tolist(), scorer=OSA.normalized_similarity, dtype=np.float64
    )
    sk = cdist(
        [f[0] for f in feats],
        index.skeleton_arr[cols].tolist(),
        scorer=OSA.normalized_similarity,
        dtype=np.float64,
    )
    f = np.array([f[1:] for f in feats], dtype=np.int64)  # k × 6
    la = f[:, 0:1]
    lb = index.tok_len[cols]
    first_eq = f[:, 1:2] == index.tok_first[cols]
    alt = np.where(
        f[:, 2:3] == index.tok_skel[cols],
        0.95,
        np.where(np.minimum(f[:, 5:6], index.tok_skel_len[cols]) >= 4, 0.97 * sk, 0.0),
    )
    sim = np.where(raw < 0.95, np.maximum(raw, alt), raw)
    long4 = (la >= 4) & (lb >= 4)
    sim = np.where((sim < 0.85) & long4 & (f[:, 3:4] == index.tok_cons[cols]), 0.85, sim)
    sim = np.where((sim < 0.9) & long4 & first_eq & (f[:, 4:5] == index.tok_code[cols]), 0.9, sim)
    sim = np.where((la == 1) | (lb == 1), np.where(first_eq, 0.9, 0.0), sim)
    sim = np.where(raw >= 1.0, 1.0, sim)
    return np.where(sim >= TOKEN_FLOOR, sim, 0.0)


def _possible(index: Index, ours: tuple[str, ...], names: np.ndarray, floor: float) -> np.ndarray:
    """Which of these candidate names can score at least `floor` against ours: an upper
    bound of `name_similarity` from the token similarities alone (in C, for the whole
    block at once), so that only the few names that may match are aligned in Python.

    The bound: the best token similarity, times the share of the matchable weight (each of
    our tokens, or theirs, with no similar token on the other side is certainly left over),
    times the leftover and one-token factors at their least. A name longer than the
    prefilter's width is always kept."""
    rows = index.name_rows[names]
    k = len(ours)
    m = token_matrix(index, ours, rows.ravel()).reshape(k, *rows.shape)  # k × names × width
    lens = index.name_len[names]
    la = np.array([len(t) for t in ours], dtype=np.int32)
    lb = index.tok_len[rows]
    pos = m > 0
    best = m.max(axis=(0, 2))
    weights = np.where(pos, np.maximum(la[:, None, None], lb[None, :, :]), 0)
    row_ok = pos.any(axis=2)
    col_ok = pos.any(axis=0)
    ours_short = k <= lens
    certain = np.where(ours_short, (la[:, None] * ~row_ok).sum(axis=0), (lb * ~col_ok).sum(axis=1))
    matchable = np.where(
        ours_short, weights.max(axis=2).sum(axis=0), weights.max(axis=0).sum(axis=1)
    )
    share = best * matchable / np.maximum(matchable + certain, 1)
    pairs = np.minimum(np.minimum(row_ok.sum(axis=0), col_ok.sum(axis=1)), np.minimum(k, lens))
    leftover = np.maximum(k, lens) - pairs
    bound = share * (1.0 - 0.03 * np.minimum(leftover, 3))
    bound = np.where((np.minimum(k, lens) == 1) & (np.maximum(k, lens) > 1), bound * 0.75, bound)
    return (bound >= floor - 1e-9) | index.long_names[names]


def _match(
    index: Index, subject: Subject, threshold: float, *, prefilter: bool = True
) -> list[Candidate]:
    organisation = subject.kind != PERSON
    subject_names = []
    for text in subject.names:
        toks = name_tokens(text, organisation)
        if toks:
            subject_names.append((text, toks))
    if not subject_names:
        return []
    found = [index.candidates(toks, not organisation) for _text, toks in subject_names]
    names = found[0] if len(found) == 1 else np.unique(np.concatenate(found))
    if names.size == 0:
        return []
    floor = threshold - _MAX_BONUS
    if prefilter and floor > 0:
        keep = _possible(index, subject_names[0][1], names, floor)
        for _text, toks in subject_names[1:]:
            keep |= _possible(index, toks, names, floor)
        names = names[keep]
    by_entity: dict[int, list[int]] = {}
    for n in names.tolist():
        by_entity.setdefault(index.name_entity[n], []).append(n)
    out = []
    for e, entity_names in by_entity.items():
        score, reasons = _score(index, subject_names, subject, e, entity_names, threshold)
        if score >= threshold:
            out.append(
                Candidate(
                    entity_id=index.entity_ids[e],
                    entity_key=index.keys[e],
                    list_name=index.list_names[e],
                    list_version_id=index.version_ids[e],
                    caption=index.captions[e],
                    score=round(score, 3),
                    reasons=tuple(reasons),
                )
            )
    out.sort(key=lambda c: (-c.score, c.entity_id))
    return out


def match(subject: Subject, *, threshold: float | None = None) -> list[Candidate]:
    """The entries of the current list versions that may be this subject, best first."""
    return _match(current_index(), subject, DEFAULT_THRESHOLD if threshold is None else threshold)


# --- at scale -------------------------------------------------------------------------------

_WORKER_THRESHOLD = DEFAULT_THRESHOLD


def _match_chunk(subjects: list[Subject]) -> list[list[Candidate]]:
    assert _INDEX is not None
    return [_match(_INDEX, s, _WORKER_THRESHOLD) for s in subjects]


def _chunks(subjects: Iterable[Subject], size: int) -> Iterator[list[Subject]]:
    it = iter(subjects)
    while chunk := list(islice(it, size)):
        yield chunk


class MatchWorkerDied(RuntimeError):
    """A worker process of `match_many` died (killed, out of memory): the answers are
    incomplete, so none of the rest is given."""


def match_many(
    subjects: Iterable[Subject],
    *,
    threshold: float | None = None,
    processes: int | None = None,
    chunk_size: int = 2000,
) -> Iterator[list[Candidate]]:
    """`match` for each subject, in order, in `processes` worker processes (default: the
    machine's cores) that inherit the index from this one (fork); one process for a small
    input or where fork is not available.

    The subjects are read lazily, a few chunks ahead of the answers (at most two chunks per
    process in flight), so a whole register is never held at once. A worker that dies
    raises `MatchWorkerDied` at the first answer it owed, and nothing after it is given:
    a caller that writes per chunk in a transaction has written only whole chunks."""
    global _WORKER_THRESHOLD
    index = current_index()
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    processes = processes or os.cpu_count() or 1
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for subject in subjects:
            yield _match(index, subject, limit)
        return
    _WORKER_THRESHOLD = limit
    chunks = _chunks(subjects, chunk_size)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None:  # one chunk: not worth starting processes
        for subject in first:
            yield _match(index, subject, limit)
        return
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from itertools import chain

    window: deque[Future[list[list[Candidate]]]] = deque()
    pending = chain([first, second], chunks)
    executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
    try:
        for chunk in islice(pending, processes * 2):
            window.append(executor.submit(_match_chunk, chunk))
        while window:
            try:
                results = window.popleft().result()
            except BrokenProcessPool as exc:
                raise MatchWorkerDied("a matching worker process died") from exc
            nxt = next(pending, None)
            if nxt is not None:
                window.append(executor.submit(_match_chunk, nxt))
            yield from results
    finally:
        for future in window:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
