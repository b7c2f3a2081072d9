"""Matching register subjects against the current list versions.

Two steps, so that one screening against a 50,000-entry list stays within milliseconds:

1. **Blocking.** An in-memory index maps phonetic keys to the names of the entries. A
   name of two or more tokens is found by any *pair* of its tokens' codes (sorted, so word
   order does not matter; any pair, so a missing middle name does not either); a name of
   one token by its code. A subject looks up the pairs of its own tokens, plus, for an
   initial ("J. Smith"), every name that has its other tokens. The index is built from the
   precomputed tokens and codes of the current versions (no normalisation at build time),
   kept per process and rebuilt when `lists_fingerprint()` changes.
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations, islice
from typing import Any

from rapidfuzz.distance import OSA

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
        self.blocks: dict[str, list[int]] = {}
        self.tokens: dict[str, list[int]] = {}
        for row in rows:
            self._add(*row)

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
        blocks, singles = self.blocks, self.tokens
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

    def candidates(self, tokens: tuple[str, ...]) -> set[int]:
        """Names that share a block with this name (indices into the name arrays)."""
        tokens = tokens[:MAX_TOKENS]
        found: set[int] = set()
        get = self.blocks.get
        for key in block_keys(tokens, tuple(code(t) for t in tokens)):
            hit = get(key)
            if hit:
                found.update(hit)
        if len(tokens) == 1:  # one word: every name that has it
            found.update(self.tokens.get(code(tokens[0]), ()))
        else:  # an entry known by one word ("Hamas") is found by any of ours
            for t in tokens:
                found.update(get(code(t), ()))
        return found


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
    global _INDEX
    fingerprint = lists_fingerprint()
    if _INDEX is None or _INDEX.fingerprint != fingerprint:
        _INDEX = Index(fingerprint, _rows())
    return _INDEX


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


def _match(index: Index, subject: Subject, threshold: float) -> list[Candidate]:
    organisation = subject.kind != PERSON
    subject_names = []
    for text in subject.names:
        toks = name_tokens(text, organisation)
        if toks:
            subject_names.append((text, toks))
    by_entity: dict[int, list[int]] = {}
    for _text, toks in subject_names:
        for n in index.candidates(toks):
            e = index.name_entity[n]
            if index.is_person[e] == organisation:
                continue
            by_entity.setdefault(e, []).append(n)
    out = []
    for e, names in by_entity.items():
        score, reasons = _score(index, subject_names, subject, e, names, threshold)
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


def match_many(
    subjects: Iterable[Subject],
    *,
    threshold: float | None = None,
    processes: int | None = None,
    chunk_size: int = 2000,
) -> Iterator[list[Candidate]]:
    """`match` for each subject, in order, in `processes` worker processes (default: the
    machine's cores) that inherit the index from this one; one process for a small input
    or where fork is not available."""
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
    from itertools import chain

    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for results in pool.imap(_match_chunk, chain([first, second], chunks)):
            yield from results
