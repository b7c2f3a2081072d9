"""Synthetic data at scale, fast: numpy picks, one executemany per table per chunk.

Not one Faker call and one ORM save per row: Faker makes small pools of names once, numpy
draws a million rows from them, and rows go in through the raw driver in chunks. Columns a
row does not give get the model's default (`insert_model`), so a field another team adds
later does not break the generator.

What is generated (see docs/performance.md for the shares):
- the register: organisations with a relationship, persons (5 % consumers, 0.1 % restricted),
  one email each (1 % bounced), affiliations, provenance;
- marketing state: objections and consents, suppression entries with their derived index,
  a mailing list with subscribers (the sending test's audience);
- interactions: a realistic mix of emails, chats, calls (a few with an audio file), web
  visits, invoices, logins, tickets, event registrations, premises visits and agreements,
  spread over the last three years, so that a large share is already due under the demo
  catalogue's retention rules (chats after 3 months, web visits after 6, calls after 7…).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from faker import Faker

from rekisteri.register.models import make_search_name

CHUNK = 50_000
YEARS_OF_HISTORY = 3


@dataclass
class Sizes:
    persons: int
    organizations: int
    interactions: int
    subscribers: int = 1000


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


def insert_model(
    label: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: dict[str, Any] | None = None,
    copy: bool = True,
) -> int:
    """executemany `rows` (values in `columns` order, ready for the driver) into a model's
    table (COPY on PostgreSQL unless `copy` is false); every other concrete field gets `constants[name]` or its
    model default."""
    model = apps.get_model(label)
    meta = model._meta
    constants = constants or {}
    given = set(columns)
    fixed: list[tuple[str, Any]] = []
    for f in meta.concrete_fields:
        if f.name in given or f.primary_key:
            continue
        if f.name in constants:
            value = constants[f.name]
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = datetime.now(UTC)
        else:
            value = f.get_default()
        fixed.append((f.column, f.get_db_prep_save(value, connection)))
    names = [meta.get_field(c).column for c in columns] + [c for c, _ in fixed]
    tail = tuple(v for _, v in fixed)
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(n) for n in names)}) "
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    n = 0
    if copy and connection.vendor == "postgresql":
        # COPY: several times faster than executemany for millions of rows.
        with connection.cursor() as cursor:
            cols = ", ".join(qn(c) for c in names)
            with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(row) + tail)
                    n += 1
        return n
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(row) + tail)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def reset_sequences(labels: Iterable[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for label in labels:
            table = apps.get_model(label)._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


YTUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def ytunnus_pool(n: int, rng: np.random.Generator) -> list[str]:
    """Distinct valid Finnish business IDs (1234567-8); "" where no check digit exists."""
    bases = rng.choice(np.arange(1_000_000, 9_999_999), size=n, replace=False)
    out = []
    for b in bases:
        body = f"{int(b):07d}"
        rest = sum(w * int(d) for w, d in zip(YTUNNUS_WEIGHTS, body, strict=True)) % 11
        if rest == 1:
            out.append("")  # a body whose check digit would be 10 is not valid
        else:
            out.append(f"{body}-{0 if rest == 0 else 11 - rest}")
    return out


def stamps(epoch_seconds: np.ndarray) -> list[str]:
    """Timestamps as the database stores them (SQLite: naive UTC text, as Django writes)."""
    text = np.datetime_as_string(epoch_seconds.astype("datetime64[s]"), unit="s").tolist()
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [t.replace("T", " ") + suffix for t in text]


def dt(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


class BigCache:
    """SQLite: a large page cache while generating (random index inserts), then back."""

    def __enter__(self) -> BigCache:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.old = cursor.fetchone()[0]
                cursor.execute("PRAGMA cache_size=-524288")  # 512 MiB
        return self

    def __exit__(self, *exc: Any) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size={int(self.old)}")


# --- the register ------------------------------------------------------------------------


def generate(
    sizes: Sizes, *, controller_id: int, seed: int = 7, progress: Callable[[str], None] = print
) -> dict[str, int]:
    """The register, marketing state and interactions; returns row counts per table."""
    rng = np.random.default_rng(seed)
    firsts, lasts = name_pools(seed)
    now = datetime.now(UTC)
    counts: dict[str, int] = {}
    with BigCache():
        with transaction.atomic():
            counts.update(_register(sizes, controller_id, rng, firsts, lasts, now, progress))
        with transaction.atomic():
            counts.update(_marketing(sizes, controller_id, rng, now, progress))
        progress(f"interactions: {sizes.interactions:,}")
        counts.update(
            generate_interactions(sizes, controller_id=controller_id, seed=seed + 1, now=now)
        )
        counts["interactions"] = sum(counts.get(label, 0) for label, _ in MIX.values())
    reset_sequences(
        [
            "register.Organization",
            "register.OrganizationRelationship",
            "register.Person",
            "register.ContactPoint",
            "register.Affiliation",
            "register.Provenance",
            "consent.Consent",
            "consent.Suppression",
            "consent.SuppressedContact",
            "marketing.Subscription",
            *INTERACTION_LABELS,
        ]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


def _register(
    sizes: Sizes,
    controller_id: int,
    rng: np.random.Generator,
    firsts: list[str],
    lasts: list[str],
    now: datetime,
    progress: Callable[[str], None],
) -> dict[str, int]:
    counts: dict[str, int] = {}
    stamp = dt(now)
    P, O = sizes.persons, sizes.organizations  # noqa: N806, E741
    progress(f"organisations: {O:,}")
    business_ids = ytunnus_pool(O, rng)
    industries = np.array(
        [
            "software",
            "accounting",
            "construction",
            "retail",
            "logistics",
            "energy",
            "health",
            "media",
        ]
    )
    cities = np.array(
        ["Helsinki", "Espoo", "Tampere", "Turku", "Oulu", "Stockholm", "Göteborg", "Malmö"]
    )
    ind = industries[rng.integers(0, len(industries), O)].tolist()
    city = cities[rng.integers(0, len(cities), O)].tolist()
    counts["organizations"] = insert_model(
        "register.Organization",
        (
            "id",
            "controller",
            "name",
            "search_name",
            "business_id",
            "country",
            "city",
            "industry",
            "created_by",
        ),
        (
            (
                i + 1,
                controller_id,
                f"Yritys {i + 1} Oy",
                f"yritys {i + 1} oy",
                business_ids[i] or f"X{i}",
                "FI",
                city[i],
                ind[i],
                "bench",
            )
            for i in range(O)
        ),
        constants={"created_at": now, "updated_at": now},
    )
    kinds = np.array(["customer", "prospect", "supplier", "partner"])[
        rng.integers(0, 4, O)
    ].tolist()
    start = (now - timedelta(days=2000)).date()
    counts["relationships"] = insert_model(
        "register.OrganizationRelationship",
        ("id", "organization", "kind", "start", "end"),
        ((i + 1, i + 1, kinds[i], start, None) for i in range(O)),
    )
    progress(f"persons: {P:,}")
    fi = rng.integers(0, len(firsts), P).tolist()
    la = rng.integers(0, len(lasts), P).tolist()
    consumer = (rng.random(P) < 0.05).tolist()
    service_user = (rng.random(P) < 0.5).tolist()
    restricted = (rng.random(P) < 0.001).tolist()
    lang = np.array(["fi", "sv", "en"])[rng.choice(3, P, p=[0.7, 0.2, 0.1])].tolist()
    counts["persons"] = insert_model(
        "register.Person",
        (
            "id",
            "controller",
            "first_name",
            "last_name",
            "search_name",
            "language",
            "nationality",
            "is_contact_person",
            "is_consumer",
            "is_service_user",
            "restricted_since",
            "restriction_ground",
            "created_by",
        ),
        (
            (
                i + 1,
                controller_id,
                firsts[fi[i]],
                lasts[la[i]],
                make_search_name(firsts[fi[i]], lasts[la[i]]),
                lang[i],
                "FI",
                not consumer[i],
                consumer[i],
                consumer[i] and service_user[i],
                stamp if restricted[i] else None,
                "bench: contested accuracy" if restricted[i] else "",
                "bench",
            )
            for i in range(P)
        ),
        constants={"created_at": now, "updated_at": now},
    )
    progress("contact points")
    bounced = (rng.random(P) < 0.01).tolist()
    counts["contact_points"] = insert_model(
        "register.ContactPoint",
        ("id", "person", "kind", "value", "primary", "undeliverable_at"),
        (
            (
                i + 1,
                i + 1,
                "email",
                email_of(firsts[fi[i]], lasts[la[i]], i + 1),
                True,
                stamp if bounced[i] else None,
            )
            for i in range(P)
        ),
        constants={"created_at": now, "updated_at": now},
    )
    progress("affiliations")
    org = rng.integers(1, O + 1, P).tolist()
    counts["affiliations"] = insert_model(
        "register.Affiliation",
        ("id", "person", "organization", "role", "is_contact_person"),
        ((i + 1, i + 1, org[i], "contact", True) for i in range(P) if not consumer[i]),
        constants={"created_at": now, "updated_at": now},
    )
    progress("provenance")
    counts["provenance"] = insert_model(
        "register.Provenance",
        (
            "id",
            "person",
            "record",
            "fields",
            "source_kind",
            "source_name",
            "collected_at",
            "recorded_by",
            "purpose",
        ),
        (
            (
                i + 1,
                i + 1,
                f"register.Person:{i + 1}",
                '["first_name", "last_name"]',
                "third_party",
                "bench",
                stamp,
                "bench",
                "customer_management",
            )
            for i in range(P)
        ),
    )
    return counts


def email_of(first: str, last: str, pid: int) -> str:
    """first.last.id@example.fi, ASCII as company addresses are ("Jörgen Åberg" -> jorgen.aberg)."""
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    return f"{local}.{pid}@example.fi".lower().replace(" ", "").replace("'", "")


# --- marketing state ---------------------------------------------------------------------


def _marketing(
    sizes: Sizes,
    controller_id: int,
    rng: np.random.Generator,
    now: datetime,
    progress: Callable[[str], None],
) -> dict[str, int]:
    from rekisteri.consent.suppression import digests_of

    progress("consents, suppression list, mailing list")
    counts: dict[str, int] = {}
    P = sizes.persons  # noqa: N806
    stamp = dt(now)
    objected = np.flatnonzero(rng.random(P) < 0.02) + 1
    granted = np.setdiff1d(np.flatnonzero(rng.random(P) < 0.01) + 1, objected)
    rows = [(int(p), "direct_marketing", "all", "objected", "email") for p in objected]
    rows += [(int(p), "direct_marketing", "email", "granted", "web_form") for p in granted]
    counts["consents"] = insert_model(
        "consent.Consent",
        ("person", "purpose", "channel", "state", "method"),
        rows,
        constants={"at": now, "recorded_by": "bench", "text": "", "superseded_at": None},
    )
    # Suppressed addresses: keyed hashes, plus the derived index of the matching contacts.
    suppressed = np.flatnonzero(rng.random(P) < 0.005) + 1
    with connection.cursor() as cursor:
        values: list[tuple[int, str]] = []
        for lo in range(0, len(suppressed), 5000):
            ids = [int(i) for i in suppressed[lo : lo + 5000]]
            cursor.execute(
                f"SELECT id, value FROM register_contactpoint WHERE id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            values += cursor.fetchall()
    digests = digests_of("email", [v for _, v in values])
    counts["suppressions"] = insert_model(
        "consent.Suppression",
        ("kind", "digest", "reason"),
        ((("email", d, "bench")) for d in digests),
        constants={"created_at": now},
    )
    counts["suppressed_contacts"] = insert_model(
        "consent.SuppressedContact", ("contact_point",), ((cp,) for cp, _ in values)
    )
    insert_model("consent.SuppressionScan", ("id", "last_id", "scanned_at"), [(1, P, stamp)])
    # The sending test's audience: a single opt-in list with `subscribers` members.
    n = min(sizes.subscribers, P)
    insert_model(
        "marketing.MailingList",
        ("id", "controller", "name", "opt_in"),
        [(1, controller_id, "Bench news", "single")],
        constants={"created_at": now, "updated_at": now},
    )
    members = rng.choice(np.arange(1, P + 1), size=n, replace=False)
    counts["subscriptions"] = insert_model(
        "marketing.Subscription",
        ("mailing_list", "person", "status", "token", "confirmed_at"),
        (
            (1, int(p), "subscribed", hashlib.sha256(f"bench{p}".encode()).hexdigest()[:43], stamp)
            for p in members
        ),
        constants={"created_at": now, "updated_at": now},
    )
    return counts


# --- interactions ------------------------------------------------------------------------

#: kind -> (model label, share of --interactions)
MIX: dict[str, tuple[str, float]] = {
    "web_visit": ("interactions.WebVisit", 0.30),
    "communication": ("interactions.Communication", 0.22),
    "chat": ("interactions.ChatTranscript", 0.14),
    "call": ("interactions.CallRecording", 0.08),
    "invoice": ("interactions.Invoice", 0.08),
    "login": ("interactions.LoginEvent", 0.08),
    "ticket": ("interactions.ServiceRequest", 0.04),
    "event_registration": ("interactions.EventRegistration", 0.03),
    "premises_visit": ("interactions.PremisesVisit", 0.02),
    "agreement": ("interactions.Agreement", 0.01),
}
INTERACTION_LABELS = (
    "interactions.StoredFile",
    "interactions.Event",
    "interactions.ServiceAccount",
    "interactions.ServiceRequestEvent",
    "interactions.Payment",
    *(label for label, _ in MIX.values()),
)

PAGES = [
    "/",
    "/hinnasto",
    "/tuotteet/erp",
    "/tuotteet/crm",
    "/ota-yhteytta",
    "/blogi/gdpr",
    "/sv/priser",
    "/en/pricing",
]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0",
    "Mozilla/5.0 (Macintosh) Safari/17.4",
    "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0",
    "Mozilla/5.0 (iPhone) Mobile Safari/17.4",
]
SUBJECTS = [
    "Tarjous",
    "Lasku",
    "Kokousmuistio",
    "Tilausvahvistus",
    "Offert",
    "Faktura",
    "Meeting notes",
    "Sopimusluonnos",
]
CHATS = [
    "Asiakas kysyi toimitusajasta; vastattu 2-3 arkipäivää.",
    "Kunden frågade om fakturan; skickade kopia.",
    "Customer could not log in; password reset link sent.",
    "Asiakas halusi muuttaa laskutusosoitetta; ohjattu lomakkeelle.",
]
STAFF = ["anna.m", "pekka.k", "sara.l", "johan.e", "liisa.v"]


def _first_field(label: str, *names: str) -> str:
    """The first of `names` the model has (a field being renamed by its owner)."""
    fields = {f.name for f in apps.get_model(label)._meta.concrete_fields}
    return next(n for n in names if n in fields)


def _times(rng: np.random.Generator, n: int, now_s: int) -> np.ndarray:
    """Epoch seconds spread evenly over the last YEARS_OF_HISTORY years."""
    return now_s - rng.integers(60, YEARS_OF_HISTORY * 365 * 86400, n)


def _chunks(n: int) -> Iterator[tuple[int, int]]:
    for lo in range(0, n, CHUNK):
        yield lo, min(n, lo + CHUNK)


def generate_interactions(
    sizes: Sizes, *, controller_id: int, seed: int, now: datetime, id_offset: int = 0
) -> dict[str, int]:
    """The interaction mix, `sizes.interactions` top-level rows (plus ticket events and
    payments). Deterministic for a seed; ids start after `id_offset`."""
    rng = np.random.default_rng(seed)
    P, M = sizes.persons, sizes.interactions  # noqa: N806
    now_s = int(now.timestamp())
    stamp = dt(now)
    base = {
        "controller": controller_id,
        "recorded_at": now,
        "recorded_by": "bench",
        "anonymised_at": None,
        "organization": None,
    }
    counts: dict[str, int] = {}
    n_of = {kind: int(round(M * share)) for kind, (_, share) in MIX.items()}
    n_of["web_visit"] += M - sum(n_of.values())

    def persons(n: int) -> list[int]:
        return rng.integers(1, P + 1, n).tolist()

    def add(
        label: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], **constants: Any
    ) -> None:
        with transaction.atomic():
            counts[label] = counts.get(label, 0) + insert_model(
                label, columns, rows, constants=constants
            )

    # Shared parents: a few audio files (one call in 2,000 has one), events, service accounts.
    files = len(range(1, n_of["call"], 2000))
    root = settings.FILES_DIR / "interactions" / "bench"
    root.mkdir(parents=True, exist_ok=True)
    file_rows = []
    for i in range(files):
        data = f"bench audio {i}".encode()
        rel = f"interactions/bench/{id_offset}-{i}.ogg"
        (settings.FILES_DIR / rel).write_bytes(data)
        file_rows.append(
            (id_offset + i + 1, rel, hashlib.sha256(data).hexdigest(), len(data), "audio/ogg")
        )
    add(
        "interactions.StoredFile",
        ("id", "path", "sha256", "size", "content_type"),
        file_rows,
        created_at=now,
    )
    n_events = 60
    event_times = stamps(_times(rng, n_events, now_s))
    add(
        "interactions.Event",
        ("id", "controller", "name", "starts_at"),
        (
            (id_offset + i + 1, controller_id, f"Seminaari {i + 1}", event_times[i])
            for i in range(n_events)
        ),
    )
    n_accounts = max(1, min(P, n_of["login"] // 20 + 1))
    acc_person = persons(n_accounts)
    add(
        "interactions.ServiceAccount",
        ("id", "person", "occurred_at", "service", "username"),
        (
            (id_offset + i + 1, acc_person[i], stamp, "portal", f"user{acc_person[i]}")
            for i in range(n_accounts)
        ),
        **base,
    )

    def kind_rows(kind: str, lo: int, hi: int) -> Iterator[tuple[Any, ...]]:
        n = hi - lo
        ids = range(id_offset + lo + 1, id_offset + hi + 1)
        who = persons(n)
        t = _times(rng, n, now_s)
        when = stamps(t)
        pick = rng.integers(0, 1 << 30, n).tolist()
        if kind == "web_visit":
            for j, i in enumerate(ids):
                p = pick[j]
                yield (
                    i,
                    who[j],
                    when[j],
                    f"10.{p % 256}.{(p >> 8) % 256}.{(p >> 16) % 256}",
                    PAGES[p % len(PAGES)],
                    AGENTS[p % len(AGENTS)],
                    "",
                )
        elif kind == "communication":
            kinds = ["email_in", "email_out", "email_out", "meeting", "note"]
            for j, i in enumerate(ids):
                p = pick[j]
                yield (
                    i,
                    who[j],
                    when[j],
                    kinds[p % 5],
                    SUBJECTS[p % len(SUBJECTS)],
                    "Hei, kiitos viestistä. Palaamme asiaan pian.",
                    f"asiakas{who[j]}@example.fi",
                )
        elif kind == "chat":
            for j, i in enumerate(ids):
                yield (i, who[j], when[j], STAFF[pick[j] % 5], CHATS[pick[j] % len(CHATS)])
        elif kind == "call":
            for j, i in enumerate(ids):
                p = pick[j]
                k = i - id_offset - 1  # position among the calls
                audio = id_offset + k // 2000 + 1 if k % 2000 == 1 else None
                yield (
                    i,
                    who[j],
                    when[j],
                    "in" if p % 3 else "out",
                    STAFF[p % 5],
                    f"+35840{p % 10_000_000:07d}",
                    30 + p % 900,
                    "Soitto laskusta.",
                    audio,
                )
        elif kind == "invoice":
            years = (now.year - rng.integers(0, 14, n)).tolist()
            for j, i in enumerate(ids):
                y = years[j]
                yield (
                    i,
                    who[j],
                    f"{y}-06-15 12:00:00{tz}",
                    f"INV-{i}",
                    y,
                    f"{100 + pick[j] % 5000}.00",
                    f"Asiakas {who[j]}",
                    f"RF{i}",
                )
        elif kind == "login":
            acc = rng.integers(id_offset + 1, id_offset + n_accounts + 1, n).tolist()
            for j, i in enumerate(ids):
                p = pick[j]
                yield (
                    i,
                    acc[j],
                    when[j],
                    p % 20 != 0,
                    f"10.1.{p % 256}.{(p >> 8) % 256}",
                    AGENTS[p % len(AGENTS)],
                )
        elif kind == "ticket":
            closed = stamps(np.minimum(t + rng.integers(3600, 20 * 86400, n), now_s))
            for j, i in enumerate(ids):
                open_ = pick[j] % 5 == 0
                yield (
                    i,
                    who[j],
                    when[j],
                    f"T-{i}",
                    "open" if open_ else "closed",
                    None if open_ else closed[j],
                    SUBJECTS[pick[j] % len(SUBJECTS)],
                    "Asiakas pyysi apua.",
                )
        elif kind == "event_registration":
            for j, i in enumerate(ids):
                yield (i, who[j], when[j], id_offset + pick[j] % n_events + 1, pick[j] % 3 != 0, "")
        elif kind == "premises_visit":
            for j, i in enumerate(ids):
                yield (i, who[j], when[j], STAFF[pick[j] % 5], f"Vierailija {who[j]}", None, "")
        elif kind == "agreement":
            for j, i in enumerate(ids):
                yield (
                    i,
                    who[j],
                    when[j],
                    "order" if pick[j] % 2 else "contract",
                    f"A-{i}",
                    "1000.00",
                    "Ylläpitosopimus",
                    f"Asiakas {who[j]}",
                )

    columns = {
        "web_visit": (
            "id",
            "person",
            "occurred_at",
            "ip_address",
            "page",
            "user_agent",
            "referrer",
        ),
        "communication": (
            "id",
            "person",
            "occurred_at",
            _first_field("interactions.Communication", "channel", "kind"),
            "subject",
            "body",
            "counterpart",
        ),
        "chat": ("id", "person", "occurred_at", "agent", "transcript"),
        "call": (
            "id",
            "person",
            "occurred_at",
            "direction",
            "agent",
            "phone_number",
            "duration_seconds",
            "summary",
            "audio",
        ),
        "invoice": (
            "id",
            "person",
            "occurred_at",
            "number",
            "billing_year",
            "amount",
            "recipient_name",
            "reference",
        ),
        "login": ("id", "account", "at", "success", "ip_address", "user_agent"),
        "ticket": (
            "id",
            "person",
            "occurred_at",
            "reference",
            "status",
            "closed_at",
            "subject",
            "description",
        ),
        "event_registration": ("id", "person", "occurred_at", "event", "attended", "notes"),
        "premises_visit": (
            "id",
            "person",
            "occurred_at",
            "host",
            "visitor_name",
            "left_at",
            "vehicle_registration",
        ),
        "agreement": (
            "id",
            "person",
            "occurred_at",
            "kind",
            "number",
            "amount",
            "description",
            "contact_name",
        ),
    }
    tz = "+00:00" if connection.vendor == "postgresql" else ""
    for kind, (label, _share) in MIX.items():
        extra = {} if kind == "login" else base
        for lo, hi in _chunks(n_of[kind]):
            add(label, columns[kind], kind_rows(kind, lo, hi), **extra)
    # Children that go with their parent: one handling step per ticket, a payment per invoice.
    for lo, hi in _chunks(n_of["ticket"]):
        add(
            "interactions.ServiceRequestEvent",
            ("id", "request", "at", "kind", "handled_by", "note"),
            (
                (
                    id_offset + i + 1,
                    id_offset + i + 1,
                    stamp,
                    "comment",
                    "anna.m",
                    "Soitettu asiakkaalle.",
                )
                for i in range(lo, hi)
            ),
        )
    for lo, hi in _chunks(n_of["invoice"]):
        add(
            "interactions.Payment",
            ("id", "invoice", "paid_on", "amount", "payer_name"),
            (
                (id_offset + i + 1, id_offset + i + 1, now.date(), "100.00", "Maksaja")
                for i in range(lo, hi)
            ),
        )
    return counts
