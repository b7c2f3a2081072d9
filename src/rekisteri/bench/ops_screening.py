"""Benchmark operations of screening against sanctions and PEP lists (issue 15).

- `screening_one`: one person against a synthetic list of --list-entities entries (50,000
  by default): `watchlists.matching.match`, per subject, p50.
- `rescreen`: every person and organisation of the bench register through `match_many` on
  two worker processes.

The floor of both is the same normalised names compared with rapidfuzz (token sort ratio,
the C implementation) over the same candidate blocks: what is left when the blocking and
the normalisation are free and the scoring is one library call, so the ratio is the cost
of our scoring (alignment, initials, transliteration variants, dates, countries, reasons).
"""

from __future__ import annotations

import json
import multiprocessing
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection
from rapidfuzz import fuzz

from rekisteri.bench.measure import Result, fill_bulk, fill_per_item, peak_rss_mb, timed
from rekisteri.bench.worker import Context, operation

PROCESSES = 2


def _pools(seed: int = 5) -> dict[str, tuple[list[str], list[str]]]:
    from faker import Faker

    pools = {}
    for locale in (
        "en_US",
        "de_DE",
        "fr_FR",
        "es_ES",
        "tr_TR",
        "ru_RU",
        "uk_UA",
        "ar_AA",
        "fi_FI",
        "sv_SE",
    ):
        fake = Faker(locale)
        fake.seed_instance(seed)
        firsts = sorted({fake.first_name() for _ in range(300)})
        lasts = sorted({fake.last_name() for _ in range(300)})
        pools[locale] = (firsts, lasts)
    return pools


#: the share of each name origin in the synthetic list: mostly the names real sanctions
#: lists hold, a few Nordic ones so that the register has hits
MIX = {
    "en_US": 0.18,
    "de_DE": 0.07,
    "fr_FR": 0.07,
    "es_ES": 0.06,
    "tr_TR": 0.06,
    "ru_RU": 0.25,
    "uk_UA": 0.08,
    "ar_AA": 0.19,
    "fi_FI": 0.02,
    "sv_SE": 0.02,
}


def synthetic_list(path: Path, n: int, seed: int = 15) -> None:
    """An FtM JSON lines file of `n` made-up entries (3/4 persons), like a sanctions list:
    Cyrillic names with a Latin alias, Arabic names in Latin spellings and in script."""
    from rekisteri.watchlists.quality.generate import AR_VARIANTS, BGN, ORG_WORDS, translit

    rng = np.random.default_rng(seed)
    pools = _pools()
    locales = list(MIX)
    shares = np.array([MIX[k] for k in locales])
    picks = rng.choice(len(locales), size=n, p=shares / shares.sum())
    ar_latin = [v for group in AR_VARIANTS for v in group]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            locale = locales[picks[i]]
            firsts, lasts = pools[locale]
            if rng.random() < 0.25:
                words = [ORG_WORDS[j] for j in rng.choice(len(ORG_WORDS), 2, replace=False)]
                name = f"{lasts[rng.integers(len(lasts))]} {' '.join(words)} LLC"
                entity = {
                    "id": f"syn-{i}",
                    "schema": "Company",
                    "properties": {"name": [name], "topics": ["sanction"]},
                }
            else:
                first = firsts[rng.integers(len(firsts))]
                last = lasts[rng.integers(len(lasts))]
                names = [f"{first} {last}"]
                if locale in ("ru_RU", "uk_UA"):
                    names.append(translit(f"{first} {last}", BGN))
                if locale == "ar_AA" and rng.random() < 0.7:
                    a, b = (ar_latin[j] for j in rng.integers(len(ar_latin), size=2))
                    names.insert(0, f"{a} {b} {ar_latin[rng.integers(len(ar_latin))]}")
                born = date(1940, 1, 1).toordinal() + int(rng.integers(0, 365 * 60))
                entity = {
                    "id": f"syn-{i}",
                    "schema": "Person",
                    "properties": {
                        "name": names[:1],
                        "alias": names[1:],
                        "birthDate": [date.fromordinal(born).isoformat()],
                        "topics": ["sanction"],
                    },
                }
            fh.write(json.dumps(entity, ensure_ascii=False) + "\n")


def _ensure_list(ctx: Context) -> tuple[float, int]:
    """Load the synthetic list once per bench run; (seconds, entries)."""
    from rekisteri.watchlists.models import ListVersion
    from rekisteri.watchlists.services import load_list

    current = ListVersion.objects.filter(is_current=True, watchlist__name="bench").first()
    if current is not None:
        return ctx.counts.get("list_load_seconds", 0.0), current.entity_count
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entities.ftm.json"
        synthetic_list(path, ctx.list_entities)
        seconds, version = timed(lambda: load_list(path, name="bench", actor="bench"))
    ctx.counts["list_load_seconds"] = round(seconds, 2)
    return seconds, version.entity_count


def _subjects(limit: int | None = None) -> list[Any]:
    from rekisteri.watchlists.matching import Subject

    out = []
    with connection.cursor() as cursor:
        sql = "SELECT first_name, last_name, nationality FROM register_person ORDER BY id"
        cursor.execute(sql + (f" LIMIT {int(limit)}" if limit else ""))
        for first, last, nationality in cursor.fetchall():
            out.append(
                Subject(
                    "person",
                    (f"{first} {last}".strip(),),
                    None,  # catalogue-free: kind
                    (nationality,) if nationality else (),
                )
            )
        sql = "SELECT name, country FROM register_organization ORDER BY id"
        cursor.execute(sql + (f" LIMIT {int(limit)}" if limit else ""))
        for name, country in cursor.fetchall():
            out.append(Subject("organisation", (name,), None, (country,) if country else ()))
    return out


# --- the floor: rapidfuzz over the same blocks -----------------------------------------------

_FLOOR: dict[str, Any] = {}


def _floor_prepare(index: Any) -> None:
    """The entries' normalised names as strings, once (outside the timing)."""
    _FLOOR["index"] = index
    _FLOOR["names"] = [" ".join(t) for t in index.name_tokens]


def _floor_one(tokens: tuple[str, ...], block: list[int]) -> int:
    names = _FLOOR["names"]
    query = " ".join(tokens)
    return sum(1 for n in block if fuzz.token_sort_ratio(query, names[n]) >= 80)


def _floor_chunk(work: list[tuple[tuple[str, ...], list[int]]]) -> int:
    return sum(_floor_one(t, b) for t, b in work)


def _blocks(index: Any, subjects: list[Any]) -> list[tuple[tuple[str, ...], list[int]]]:
    """Each subject's normalised name and its candidate block, as match() finds them."""
    from rekisteri.watchlists.normalize import name_tokens

    out = []
    for s in subjects:
        tokens = name_tokens(s.names[0], s.kind != "person")  # catalogue-free: kind
        out.append((tokens, sorted(index.candidates(tokens)) if tokens else []))
    return out


@operation("screening_one", "p50 <= 10 ms")
def op_screening_one(ctx: Context, result: Result) -> Result:
    from rekisteri.watchlists.matching import Subject, current_index, match

    load_seconds, entries = _ensure_list(ctx)
    index = current_index()
    rng = np.random.default_rng(3)
    register = _subjects(limit=max(ctx.sample, 100))
    # half register persons (mostly no hit), half list names written another way (hits)
    listed = []
    for n in rng.choice(len(index.name_tokens), size=len(register) // 2, replace=False):
        e = index.name_entity[int(n)]
        name = index.names[e][index.name_pos[int(n)]]
        kind = "person" if index.is_person[e] else "organisation"  # catalogue-free: kind
        listed.append(Subject(kind, (" ".join(reversed(name.split())),)))
    subjects = register[: len(register) // 2] + listed
    for s in subjects[:20]:
        match(s)  # warm the caches, as a running server has them
    times, hits = [], 0
    start = time.perf_counter()
    for s in subjects:
        t0 = time.perf_counter()
        hits += bool(match(s))
        times.append((time.perf_counter() - t0) * 1000)
    seconds = time.perf_counter() - start
    blocks = _blocks(index, subjects)
    _floor_prepare(index)
    ftimes = []
    fstart = time.perf_counter()
    for tokens, block in blocks:
        t0 = time.perf_counter()
        _floor_one(tokens, block)
        ftimes.append((time.perf_counter() - t0) * 1000)
    fseconds = time.perf_counter() - fstart
    result.unit = "screenings"
    result.note = (
        f"{entries:,} list entries (loaded in {load_seconds:.1f} s); half register persons, "
        f"half list names in another word order; {hits} with a candidate"
    )
    result.why = (
        "ours normalises and transliterates the subject's names, looks up its blocks, aligns "
        "tokens (typos, initials, transliteration variants) and weighs dates and countries "
        "with reasons; the floor gets the normalised name and the block for free and makes "
        "one rapidfuzz token_sort_ratio call per candidate"
    )
    result.extra = {
        "list_entities": entries,
        "list_load_seconds": round(load_seconds, 2),
        "mean_block": round(sum(len(b) for _t, b in blocks) / max(len(blocks), 1), 1),
    }
    return fill_per_item(result, seconds, times, fseconds, ftimes)


@operation("rescreen", "1,000,000 persons + 200,000 organisations <= 600 s on 2 cores")
def op_rescreen(ctx: Context, result: Result) -> Result:
    from rekisteri.watchlists.matching import current_index, match_many

    _load, entries = _ensure_list(ctx)
    index = current_index()
    subjects = _subjects()

    def ours() -> int:
        return sum(1 for found in match_many(subjects, processes=PROCESSES) if found)

    seconds, hits = timed(ours)
    blocks = _blocks(index, subjects)
    _floor_prepare(index)
    size = max(1, len(blocks) // (PROCESSES * 8))
    chunks = [blocks[i : i + size] for i in range(0, len(blocks), size)]

    def floor() -> int:
        with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
            return sum(pool.map(_floor_chunk, chunks))

    fseconds, _ = timed(floor)
    result.unit = "subjects"
    result.note = (
        f"{len(subjects):,} register persons and organisations against {entries:,} list "
        f"entries, {PROCESSES} processes; {hits:,} with a candidate"
    )
    result.why = (
        "both run on the same processes over the same blocks; ours also normalises each "
        "subject and finds its blocks inside the timing, the floor's are made beforehand"
    )
    result.extra = {"processes": PROCESSES, "hits": hits, "list_entities": entries}
    fill_bulk(result, len(subjects), seconds, fseconds)
    result.peak_memory_mb = peak_rss_mb()
    return result
