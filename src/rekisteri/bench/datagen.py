"""Synthetic data at scale, fast: numpy picks, one executemany per table per chunk.

Not one Faker call and one ORM save per row: Faker makes small pools of names once, numpy
draws a million rows from them, and rows go in through the raw driver in chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.db import connection, transaction
from faker import Faker

from rekisteri.register.models import make_search_name

CHUNK = 50_000


@dataclass
class Sizes:
    persons: int
    organizations: int
    interactions: int


def name_pools(seed: int = 7) -> tuple[list[str], list[str]]:
    firsts: set[str] = set()
    lasts: set[str] = set()
    for locale in ("fi_FI", "sv_SE", "en"):
        fake = Faker(locale)
        fake.seed_instance(seed)
        for _ in range(400):
            firsts.add(fake.first_name())
            lasts.add(fake.last_name())
    return sorted(firsts), sorted(lasts)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    qn = connection.ops.quote_name
    sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch: list[Sequence[Any]] = []
    n = 0
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def reset_sequences(tables: Iterable[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def ytunnus_pool(n: int, rng: np.random.Generator) -> list[str]:
    from stdnum.fi import ytunnus

    bases = rng.choice(np.arange(1_000_000, 9_999_999), size=n, replace=False)
    out = []
    for b in bases:
        body = f"{int(b):07d}"
        try:
            out.append(f"{body}-{ytunnus.calc_check_digit(body)}")
        except Exception:  # noqa: BLE001 - a body whose check digit would be 10 is invalid
            out.append("")
    return out


def generate(sizes: Sizes, *, controller_id: int, seed: int = 7, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Persons, organisations, contact points, affiliations and provenance; returns counts."""
    rng = np.random.default_rng(seed)
    firsts, lasts = name_pools(seed)
    now = datetime.now(UTC)
    counts: dict[str, int] = {}
    with transaction.atomic():
        progress(f"organisations: {sizes.organizations:,}")
        business_ids = ytunnus_pool(sizes.organizations, rng)
        industries = np.array(["software", "accounting", "construction", "retail", "logistics", "energy", "health", "media"])
        cities = np.array(["Helsinki", "Espoo", "Tampere", "Turku", "Oulu", "Stockholm", "Göteborg", "Malmö"])
        ind = industries[rng.integers(0, len(industries), sizes.organizations)]
        city = cities[rng.integers(0, len(cities), sizes.organizations)]
        counts["organizations"] = insert_rows(
            "register_organization",
            ("id", "controller_id", "name", "business_id", "country", "street", "postal_code", "city", "website",
             "industry", "created_by", "created_at", "updated_at"),
            ((i + 1, controller_id, f"Yritys {i + 1} Oy", business_ids[i] if business_ids[i] else f"X{i}", "FI", "",
              "", str(city[i]), "", str(ind[i]), "bench", now, now) for i in range(sizes.organizations)),
        )
        kinds = np.array(["customer", "prospect", "supplier", "partner"])
        kind = kinds[rng.integers(0, 4, sizes.organizations)]
        counts["relationships"] = insert_rows(
            "register_organizationrelationship", ("id", "organization_id", "kind", "start", "end"),
            ((i + 1, i + 1, str(kind[i]), (now - timedelta(days=2000)).date(), None) for i in range(sizes.organizations)),
        )
        progress(f"persons: {sizes.persons:,}")
        fi = rng.integers(0, len(firsts), sizes.persons)
        la = rng.integers(0, len(lasts), sizes.persons)
        consumer = rng.random(sizes.persons) < 0.05
        lang = np.array(["fi", "sv", "en"])[rng.choice(3, sizes.persons, p=[0.7, 0.2, 0.1])]
        counts["persons"] = insert_rows(
            "register_person",
            ("id", "controller_id", "first_name", "last_name", "search_name", "title", "language", "nationality",
             "is_contact_person", "is_consumer", "is_event_attendee", "is_service_user", "is_beneficial_owner",
             "restricted_since", "restriction_ground", "created_by", "created_at", "updated_at"),
            ((i + 1, controller_id, firsts[fi[i]], lasts[la[i]], make_search_name(firsts[fi[i]], lasts[la[i]]), "",
              str(lang[i]), "FI", not consumer[i], bool(consumer[i]), False, False, False, None, "", "bench", now, now)
             for i in range(sizes.persons)),
        )
        progress("contact points")
        counts["contact_points"] = insert_rows(
            "register_contactpoint",
            ("id", "person_id", "kind", "value", "primary", "verified_at", "undeliverable_at", "created_at", "updated_at"),
            ((i + 1, i + 1, "email", f"{firsts[fi[i]]}.{lasts[la[i]]}.{i + 1}@example.fi".lower(), True, None, None, now, now)
             for i in range(sizes.persons)),
        )
        progress("affiliations")
        org = rng.integers(1, sizes.organizations + 1, sizes.persons)
        counts["affiliations"] = insert_rows(
            "register_affiliation",
            ("id", "person_id", "organization_id", "role", "title", "department", "start", "end", "is_contact_person",
             "created_at", "updated_at"),
            ((i + 1, i + 1, int(org[i]), "contact", "", "", None, None, True, now, now)
             for i in range(sizes.persons) if not consumer[i]),
        )
        progress("provenance")
        counts["provenance"] = insert_rows(
            "register_provenance",
            ("id", "person_id", "record", "fields", "source_kind", "source_name", "collected_at", "recorded_by", "purpose"),
            ((i + 1, i + 1, f"register.Person:{i + 1}", '["first_name", "last_name"]', "third_party", "bench", now,
              "bench", "customer_management") for i in range(sizes.persons)),
        )
    reset_sequences(["register_organization", "register_organizationrelationship", "register_person",
                     "register_contactpoint", "register_affiliation", "register_provenance"])
    return counts
