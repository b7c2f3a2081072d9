"""Benchmark operations of the import and rights capabilities (retention and marketing are in
ops_retention.py and ops_marketing.py). Each times our service and, in the same run, its
floor; `extra` carries the query counts and what the floor does differently.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from rekisteri.bench import floor as floors
from rekisteri.bench.datagen import email_of, insert_model
from rekisteri.bench.measure import (
    Result,
    fill_bulk,
    fill_per_item,
    per_item_pair,
    queries_of,
    timed,
)
from rekisteri.bench.worker import Context, operation

# --- import ------------------------------------------------------------------------------


def profiled(name: str, fn: Any) -> Any:
    """Run fn; with REKISTERI_BENCH_PROFILE=DIR set, under cProfile, its stats written to
    DIR/<name>.prof and the top lines by cumulative and own time to DIR/<name>.txt (how the
    import profile in docs/performance.md was made)."""
    import os

    where = os.environ.get("REKISTERI_BENCH_PROFILE")
    if not where:
        return fn()
    import cProfile
    import pstats

    out = Path(where)
    out.mkdir(parents=True, exist_ok=True)
    profile = cProfile.Profile()
    value = profile.runcall(fn)
    profile.dump_stats(out / f"{name}.prof")
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)
    (out / f"{name}.txt").write_text(text.getvalue())
    return value


IMPORT_COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "language",
    "organization_business_id",
]


PROVIDERS = ("gmail.com", "outlook.com", "hotmail.fi", "elisanet.fi", "telia.se", "icloud.com")


def write_import_csv(ctx: Context, path: Path) -> int:
    """`ctx.import_rows` new persons: 60 % linked to an existing organisation by business
    ID (with an address at the company's domain), half with a mobile number, all with an
    email address no one in the register has."""
    from rekisteri.bench.datagen import name_pools

    firsts, lasts = name_pools(3)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT business_id FROM register_organization WHERE business_id NOT LIKE %s ORDER BY id",
            ["X%"],
        )
        bids = [r[0] for r in cursor.fetchall()]
    n = ctx.import_rows
    rng = ctx.rng
    fi = rng.integers(0, len(firsts), n).tolist()
    la = rng.integers(0, len(lasts), n).tolist()
    org = rng.integers(0, max(1, len(bids)), n).tolist()
    linked = (rng.random(n) < 0.6).tolist()
    phone = (rng.random(n) < 0.5).tolist()
    lang = ["fi", "sv", "en"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(IMPORT_COLUMNS)
    for i in range(n):
        first, last = firsts[fi[i]], lasts[la[i]]
        w.writerow(
            [
                first,
                last,
                # The company's domain for its contacts, a mail provider for the rest.
                email_of(first, last, i).replace(
                    "@example.fi",
                    f"@yritys{org[i]}.fi"
                    if linked[i] and bids
                    else f"@{PROVIDERS[i % len(PROVIDERS)]}",
                ),
                f"040 {1000000 + i % 8999999}" if phone[i] else "",
                "Hankintapäällikkö" if linked[i] else "",
                lang[i % 3],
                bids[org[i]] if linked[i] and bids else "",
            ]
        )
    path.write_text(buf.getvalue(), encoding="utf-8")
    return n


def import_floor(ctx: Context, path: Path) -> tuple[int, list[int]]:
    """csv module + the same validator (register.inputs.clean_person) per row in a plain
    loop + executemany of the same rows (persons, contact points, affiliations, provenance)."""
    from rekisteri.register.inputs import clean_person
    from rekisteri.register.models import make_search_name

    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        cleaned = []
        for row in reader:
            c = clean_person(row, default_region="FI")
            if c.errors:
                raise ValueError(f"floor: row {reader.line_num} does not validate")
            cleaned.append(c.values)
    now = timezone.now()
    cid = ctx.controller.pk
    with transaction.atomic(), connection.cursor() as cursor:
        bids = sorted(
            {v["organization_business_id"] for v in cleaned if v.get("organization_business_id")}
        )
        org_of: dict[str, int] = {}
        for lo in range(0, len(bids), 5000):
            chunk = bids[lo : lo + 5000]
            cursor.execute(
                f"SELECT business_id, id FROM register_organization WHERE controller_id = %s "
                f"AND business_id IN ({', '.join(['%s'] * len(chunk))})",
                [cid, *chunk],
            )
            org_of.update(cursor.fetchall())
        top = {}
        for table in ("register_person", "register_contactpoint", "register_affiliation"):
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            top[table] = cursor.fetchone()[0] + 1_000_000
        pid, cp, af = (
            top["register_person"],
            top["register_contactpoint"],
            top["register_affiliation"],
        )
        first_pid = pid + 1
        people, contacts, links, prov = [], [], [], []
        for v in cleaned:
            pid += 1
            people.append(
                (
                    pid,
                    cid,
                    v["first_name"],
                    v["last_name"],
                    make_search_name(v["first_name"], v["last_name"]),
                    v["title"],
                    v["language"],
                    bool(v.get("organization_business_id")),
                    "floor",
                )
            )
            prov.append((pid, f"register.Person:{pid}", '["first_name", "last_name"]'))
            for kind in ("email", "phone"):
                if v.get(kind):
                    cp += 1
                    contacts.append((cp, pid, kind, v[kind], True))
                    prov.append((pid, f"register.ContactPoint:{cp}", '["value"]'))
            if v.get("organization_business_id"):
                af += 1
                links.append((af, pid, org_of[v["organization_business_id"]], v["title"], True))
                prov.append((pid, f"register.Affiliation:{af}", '["organization", "title"]'))
        stamp = {"created_at": now, "updated_at": now}
        insert_model(
            "register.Person",
            (
                "id",
                "controller",
                "first_name",
                "last_name",
                "search_name",
                "title",
                "language",
                "is_contact_person",
                "created_by",
            ),
            people,
            constants=stamp,
            copy=False,
        )
        insert_model(
            "register.ContactPoint",
            ("id", "person", "kind", "value", "primary"),
            contacts,
            constants=stamp,
            copy=False,
        )
        insert_model(
            "register.Affiliation",
            ("id", "person", "organization", "title", "is_contact_person"),
            links,
            constants=stamp,
            copy=False,
        )
        insert_model(
            "register.Provenance",
            ("person", "record", "fields"),
            prov,
            constants={
                "source_kind": "third_party",
                "source_name": "floor.csv",
                "collected_at": now,
                "recorded_by": "floor",
                "purpose": "customer_management",
            },
            copy=False,
        )
    return len(people), [first_pid, pid]


def import_floor_cleanup(id_range: list[int]) -> None:
    lo, hi = id_range
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("register_provenance", "register_affiliation", "register_contactpoint"):
            cursor.execute(f"DELETE FROM {table} WHERE person_id BETWEEN %s AND %s", [lo, hi])
        cursor.execute("DELETE FROM register_person WHERE id BETWEEN %s AND %s", [lo, hi])


@operation("import", ">= 25,000 rows/s on SQLite, >= 15,000 rows/s on PostgreSQL")
def op_import(ctx: Context, result: Result) -> Result:
    from rekisteri.audit.services import Actor
    from rekisteri.imports.readers import read_table
    from rekisteri.imports.services import import_persons
    from rekisteri.register.services import SourceRef

    path = (
        Path(settings.MEDIA_ROOT if getattr(settings, "MEDIA_ROOT", "") else settings.FILES_DIR)
        / "bench-import.csv"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    n = write_import_csv(ctx, path)
    source = SourceRef(kind="third_party", name="bench-import.csv", purpose="customer_management")

    def ours() -> Any:
        return import_persons(
            actor=Actor("import"),
            controller=ctx.controller,
            rows=read_table(path, "persons"),
            source=source,
        )

    # Equally warm: the floor once, untimed and removed again, before either is timed, so
    # that ours does not pay alone for reading the file and the register's index pages
    # from disk (the first full-size run's ratio was partly that order).
    _fn, warm_range = import_floor(ctx, path)
    import_floor_cleanup(warm_range)
    seconds, report = timed(lambda: profiled("import", ours))
    if not report.ok or report.created != n:
        result.status = "error"
        result.note = f"import did not create every row: {report.summary()}"[:300]
        return result
    fseconds, (fn, id_range) = timed(lambda: import_floor(ctx, path))
    import_floor_cleanup(id_range)
    fill_bulk(result, n, seconds, fseconds)
    result.why = (
        "the import also reads the file through the header mapper (fi/sv/en names), checks every "
        "email and identity code against the register for duplicates, resolves business IDs, "
        "and writes one audit event naming every person; it validates in worker processes, the "
        "floor in one plain loop."
    )
    result.extra = {
        "floor_rows": fn,
        "columns": IMPORT_COLUMNS,
        "provenance_rows_per_person": ">= 1 per record",
        # where our time went: reading + validating (in worker processes), duplicate
        # check + writing under the register lock, the audit event; seconds
        "phases": {k: round(v, 3) for k, v in report.timings.items()},
    }
    result.note = (
        "CSV read + full validation (email, phone, language, business ID) in worker processes + duplicate check "
        "against the register + bulk insert (COPY on PostgreSQL) with provenance and one audit event; floor: "
        "csv module + the same clean_person() per row in one process + executemany of the same rows, no "
        "duplicate check, no audit; the floor runs once untimed first (equally warm cache)"
    )
    return result


# --- access packages ---------------------------------------------------------------------


@operation("access_package_collect", "p50 <= 5 ms")
def op_access_collect(ctx: Context, result: Result) -> Result:
    from rekisteri.rights.selectors import personal_data_collect

    ids = ctx.sample_ids()
    selects = floors.personal_selects()

    def ours(pid: int) -> None:
        personal_data_collect(person_ids=[pid])

    def floor(pid: int) -> None:
        with connection.cursor() as cursor:
            floors.fetch_person(cursor, selects, pid)

    (seconds, times), (fseconds, ftimes), first_pass = per_item_pair(ours, floor, ids)
    items = len(personal_data_collect(person_ids=ids[:50]))
    result.unit = "persons"
    result.why = (
        "the floor only fetches tuples; ours turns every field of every row into an item with its "
        "model, record key, category and readable value, and runs one query per PersonalData "
        "model (about 30) through the ORM's converters. Each query's SQL is compiled once per "
        "process (rights.selectors), which took this from about 100x to a few times the floor."
    )
    result.extra = {
        "queries_per_person": queries_of(ours, ids[0]),
        "floor_queries_per_person": len(selects),
        "items_per_person": round(items / max(1, min(50, len(ids))), 1),
        "first_pass": first_pass,
    }
    result.note = (
        "every mapped field of every PersonalData model for one person, one query per model; "
        "floor: the same SELECTs as plain SQL through the raw cursor, rows fetched as tuples; "
        "both timed on a warm cache, alternating (extra.first_pass: the first, colder pass)"
    )
    return fill_per_item(result, seconds, times, fseconds, ftimes)


def package_floor(person_id: int, selects: list[tuple[str, str]], directory: Path) -> None:
    """The same SELECTs plus provenance and the audit log, serialised as JSON and CSV and
    written to a ZIP."""
    with connection.cursor() as cursor:
        rows = floors.fetch_person(cursor, selects, person_id)
        cursor.execute(
            "SELECT record, fields, source_kind, source_name, collected_at, purpose "
            "FROM register_provenance WHERE person_id = %s",
            [person_id],
        )
        prov = cursor.fetchall()
        cursor.execute(
            "SELECT at, actor, action, purpose, categories FROM audit_auditevent "
            "WHERE person_id = %s ORDER BY at",
            [person_id],
        )
        log = cursor.fetchall()
    doc = {"persons": [person_id], "rows": rows, "provenance": prov, "access_log": log}
    buf = io.StringIO()
    w = csv.writer(buf)
    for label, rs in rows.items():
        for r in rs:
            w.writerow([label, *r])
    path = directory / f"floor-{person_id}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.json", json.dumps(doc, default=str, ensure_ascii=False, indent=2))
        zf.writestr("data.csv", buf.getvalue())
    path.unlink()


def _rights_scope(reason: str) -> Any:
    """The benchmark's DPO: a system scope handling rights requests in every company."""
    from rekisteri.access.capabilities import Cap
    from rekisteri.audit.work import system_scope

    return system_scope(reason, actor="bench-dpo", capabilities=[Cap.HANDLE_RIGHTS_REQUESTS])


@operation("access_package_write", "p50 <= 50 ms")
def op_access_write(ctx: Context, result: Result) -> Result:
    from rekisteri.audit.services import Actor
    from rekisteri.rights.packages import access_package_build

    ids = ctx.sample_ids(max(10, ctx.sample // 2))
    selects = floors.personal_selects()
    directory = Path(settings.PACKAGES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    actor = Actor("bench-dpo")
    scope = _rights_scope("benchmark: access packages")

    def ours(pid: int) -> None:
        access_package_build(scope=scope, actor=actor, person_ids=[pid], lang="fi")

    def floor(pid: int) -> None:
        package_floor(pid, selects, directory)

    (seconds, times), (fseconds, ftimes), first_pass = per_item_pair(ours, floor, ids)
    result.unit = "packages"
    result.why = (
        "the package explains every datum: purposes and legal bases per category, the source "
        "from provenance, recipients, the retention rule and the person's retention end (one "
        "batch per person), and renders the HTML report; it also writes the package row and "
        "one audit event per person. The floor dumps the raw rows."
    )
    result.extra = {"queries_per_package": queries_of(ours, ids[0]), "first_pass": first_pass}
    result.note = (
        "Art. 15 ZIP for one person: every datum explained (purposes, legal bases, source, recipients, "
        "retention end), access log, disclosures, segments, HTML report + JSON + CSV, package row and audit "
        "event; floor: the same SELECTs + provenance + audit log dumped as JSON and CSV into a ZIP, "
        "without the explanations, the HTML report or the audit write"
    )
    return fill_per_item(result, seconds, times, fseconds, ftimes)


# --- erasure -----------------------------------------------------------------------------


def erasure_statements() -> list[tuple[str, str]]:
    """Hand-written statements that remove one person's rows, children first: (kind, sql).

    CASCADE children of the person's rows (ticket events, logins) are deleted through their
    parent; rows the law keeps (SET_NULL links: orders, invoices) are detached; then the
    person's rows in every table with a person link, then the person."""
    from django.apps import apps
    from django.db import models

    from rekisteri.register.models import Person

    out: list[tuple[str, str]] = []
    later: list[tuple[str, str]] = []
    for model in apps.get_models():
        table = model._meta.db_table
        for f in model._meta.concrete_fields:
            if not (f.is_relation and f.related_model is Person):
                continue
            on_delete = f.remote_field.on_delete
            col = floors.qn(f.column)
            if on_delete is models.SET_NULL:
                later.append(
                    ("detach", f"UPDATE {floors.qn(table)} SET {col} = NULL WHERE {col} = %s")
                )
                continue
            # Children (CASCADE) of this model's rows that are not linked to Person themselves.
            for rel in model._meta.related_objects:
                child = rel.related_model
                if rel.on_delete is not models.CASCADE or rel.many_to_many:
                    continue
                if any(
                    cf.is_relation and cf.related_model is Person
                    for cf in child._meta.concrete_fields
                ):
                    continue
                out.append(
                    (
                        "delete",
                        f"DELETE FROM {floors.qn(child._meta.db_table)} WHERE "
                        f"{floors.qn(rel.field.column)} IN (SELECT id FROM {floors.qn(table)} WHERE {col} = %s)",
                    )
                )
            later.append(("delete", f"DELETE FROM {floors.qn(table)} WHERE {col} = %s"))
    for model in apps.get_models():
        for f in model._meta.local_many_to_many:
            if f.related_model is Person:
                through = f.remote_field.through._meta
                later.append(
                    (
                        "delete",
                        f"DELETE FROM {floors.qn(through.db_table)} "
                        f"WHERE {floors.qn(f.m2m_reverse_name())} = %s",
                    )
                )
    return out + later + [("delete", "DELETE FROM register_person WHERE id = %s")]


@operation("erasure", "p50 <= 50 ms per person")
def op_erasure(ctx: Context, result: Result) -> Result:
    from rekisteri.audit.services import Actor
    from rekisteri.register.models import Person
    from rekisteri.rights.erasure import erasure_execute

    ids = ctx.sample_ids()
    actor = Actor("bench-dpo")
    scope = _rights_scope("benchmark: erasure")
    statements = erasure_statements()
    selects = floors.personal_selects()

    class Rollback(Exception):
        pass

    ftimes: list[float] = []
    times: list[float] = []
    fseconds = seconds = 0.0
    rows_deleted = 0
    # A commit of a small write, the one thing the rolled-back floor does not pay for.
    commit_times = []

    def commit_one() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE register_controller SET name = name WHERE id = %s", [ctx.controller.pk]
            )

    for _ in range(20):
        commit_times.append(timed(commit_one)[0])
    commit = sorted(commit_times)[len(commit_times) // 2]
    # Query count of one erasure, outside the timings.
    extra_pid = next(p for p in ctx.sample_ids(len(ids) + 1) if p not in set(ids))
    queries = queries_of(
        lambda: erasure_execute(scope=scope, actor=actor, person=Person.objects.get(pk=extra_pid))
    )
    for pid in ids:
        with connection.cursor() as cursor:  # both start warm: read the person's rows once
            floors.fetch_person(cursor, selects, pid)

        def floor(pid: int = pid) -> int:
            count = 0
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    for _kind, sql in statements:
                        cursor.execute(sql, [pid])
                        count += max(cursor.rowcount, 0)
                    raise Rollback
            except Rollback:
                pass
            return count

        fs, count = timed(floor)
        rows_deleted += count
        fs += commit
        person = Person.objects.get(pk=pid)
        s, _ = timed(lambda person=person: erasure_execute(scope=scope, actor=actor, person=person))
        ftimes.append(fs * 1000)
        times.append(s * 1000)
        fseconds += fs
        seconds += s
    result.unit = "persons"
    result.why = (
        "erasure first makes the plan (the person's rows of every PersonalData model in one "
        "statement, retention ends of the rows the law keeps, legal holds, recipients to notify), "
        "then adds the suppression entries (keyed hashes), deletes the plan's rows model by model, "
        "then the person without re-reading the tables the plan emptied, writes the audit event, "
        "destroys the person's audit key and, on SQLite, checkpoints the WAL after commit so that "
        "no erased value stays in the -wal file."
    )
    fill_per_item(result, seconds, times, fseconds, ftimes)
    result.extra = {
        "queries_first_person": queries,
        "floor_statements_per_person": len(statements),
        "rows_per_person": round(rows_deleted / max(1, len(ids)), 1),
        "commit_ms_added_to_floor": round(commit * 1000, 3),
    }
    result.note = (
        "plan (field map walk, retention ends, legal holds, recipients) then one transaction: suppression "
        "entries, packages, rows deleted or detached, audit event, audit key destroyed, WAL checkpoint after "
        "commit; floor: hand-written DELETE/UPDATE of the same person's rows (run in a rolled-back transaction "
        "just before ours, so ours finds the same rows) plus the median cost of one commit"
    )
    return result


# --- the rest register themselves in this order ------------------------------------------

from rekisteri.bench import ops_marketing, ops_retention  # noqa: E402,F401
