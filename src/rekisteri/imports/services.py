"""Importing persons and organisations from spreadsheets: validate everything, then write.

Design:
- Two phases. Every row is validated first with the same rules as the UI and the API
  (register.inputs); if any row fails, the report lists each error as
  `row N, column C: reason` and nothing at all is written. Only a clean file is written,
  in one transaction: all of it or none of it.
- Duplicates follow one documented rule (docs/import.md). Organisations: the same business
  ID (within the file or already in the register) is one organisation; later data fills its
  empty fields and adds missing relationship kinds, never overwrites. Persons: the same
  normalised email (or identity code) as an earlier row or as a person already in the
  register is skipped, with a report line; no person is ever overwritten by an import.
- Every person written gets provenance for each record (person, contact points,
  affiliation, identity code): source kind and name, when, by whom and for which purpose.
  The batch is one audit event naming the source and the person ids.
- Persons are written with `executemany` and ids allocated up front (imports/bulk.py):
  the benchmark measures this path against the raw driver.
- Two imports into one group company at once must not both create the same person. The
  duplicate check and the writes run in one transaction that first takes the group
  company's register lock (`lock_register`): the second import waits, then finds the
  first one's persons and reports them as duplicates.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.crypto import encrypt_field
from rekisteri.common.text import search_key
from rekisteri.imports.bulk import allocate_ids, insert_rows, prepared
from rekisteri.imports.readers import BROKEN
from rekisteri.register.inputs import IDENTITY_CODE, clean_organization, clean_person, too_long
from rekisteri.register.locks import lock_register
from rekisteri.register.models import (
    Affiliation,
    ContactKind,
    ContactPoint,
    Controller,
    IdentityCode,
    Organization,
    OrganizationProvenance,
    OrganizationRelationship,
    Person,
    Provenance,
    make_search_name,
)
from rekisteri.register.policies import (
    NO,
    NOT_PROCESSED,
    YES,
    RegisterPolicy,
    identity_country_of,
    person_input_category,
)
from rekisteri.register.services import SourceRef, identity_code_hash, screening_queue
from rekisteri.register.validators import InvalidValue, mask_identity_code, normalise_country

Rows = Iterable[tuple[int, Mapping[str, str]]]

LANGUAGE_OF_COUNTRY = {"FI": "fi", "SE": "sv"}
ORG_FILLABLE = ("name", "street", "postal_code", "city", "website", "industry")
#: Values per look-up query (IN list): a chunk of rows is one query per table.
LOOKUP_CHUNK = 5000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if not self.column:
            return f"row {self.row}: {self.reason}"
        return f"row {self.row}, column {self.column}: {self.reason}"


class Note(str):
    """One line of a report about a row that is not an error (a duplicate, a suppressed
    address): the English line as a string (the command prints it, tests compare it), and
    its parts for a page that says it in the user's language (imports.views)."""

    row: int
    kind: str
    params: dict[str, Any]

    def __new__(cls, row: int, kind: str, text: str, **params: Any) -> Note:
        note = super().__new__(cls, f"row {row}: {text}")
        note.row, note.kind, note.params = row, kind, params
        return note


@dataclass
class ImportReport:
    kind: str
    source: SourceRef
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    skipped: int = 0
    suppressed: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    organization_ids: list[int] = field(default_factory=list)
    skipped_rows: set[int] = field(default_factory=set, repr=False)
    #: seconds per phase (reading and validating, checking duplicates and writing, the
    #: audit event), for `rekisteri bench` and the command's progress
    timings: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} error(s) in {self.rows} row(s); nothing was imported" + (
                " (dry run)" if self.dry_run else ""
            )
        verb = "would be" if self.dry_run else "were"
        parts = [f"{self.rows} row(s) read", f"{self.created} {verb} created"]
        if self.kind == "organizations":
            parts.append(f"{self.updated} existing {verb} updated")
            parts.append(f"{self.merged} duplicate row(s) {verb} merged")
        parts.append(f"{self.skipped} duplicate(s) {verb} skipped")
        if self.suppressed:
            parts.append(f"{self.suppressed} on the suppression list")
        return ", ".join(parts) + (" (dry run: nothing was written)" if self.dry_run else "")


def _progress(rows: Rows, *, enabled: bool, total: int | None, desc: str) -> Rows:
    if not enabled or (total is not None and total < 2000):
        return rows
    from tqdm import tqdm

    # disable=None: no bar when stderr is not a terminal (cron, tests, pipes).
    return tqdm(
        rows, total=total, desc=desc, unit=" rows", mininterval=0.5, disable=None, file=sys.stderr
    )


def _labels(rows: Any, labels: Mapping[str, str] | None) -> Mapping[str, str]:
    return labels if labels is not None else getattr(rows, "labels", {})


def _suppressed(items: list[Any]) -> set[int]:
    """Row numbers whose email or phone is on the consent app's suppression list.

    The consent app is optional here (guarded import). Its list holds keyed hashes only, so
    the values are hashed in bulk with its own helper and looked up in chunks; calling
    `suppression_match` per row would re-validate every address and cost a query per row.
    """
    try:
        from rekisteri.consent.models import Suppression
        from rekisteri.consent.suppression import digests_of
    except ImportError:
        return set()
    if not Suppression.objects.exists():
        return set()
    by_digest: dict[str, list[int]] = {}
    for kind in ("email", "phone"):
        pairs = [(i.number, i.values[kind]) for i in items if i.values.get(kind)]
        for (number, _value), d in zip(pairs, digests_of(kind, [v for _, v in pairs]), strict=True):
            by_digest.setdefault(d, []).append(number)
    hits: set[int] = set()
    for chunk in _chunks(list(by_digest)):
        for d in Suppression.objects.filter(digest__in=chunk).values_list("digest", flat=True):
            hits.update(by_digest[d])
    return hits


def _chunks(values: list[Any], size: int = LOOKUP_CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _unprocessed_columns(labels: Mapping[str, str], snap: Any) -> list[RowError]:
    """A column of data the register does not process (its category is not in the
    catalogue) stops the import on row 1, named as the file names it."""
    return [
        RowError(1, label, NOT_PROCESSED)
        for name, label in labels.items()
        if (category := person_input_category(name)) is not None and category not in snap.categories
    ]


# --- persons ----------------------------------------------------------------------------

#: Rows per chunk: validated as one task (in a worker process for a large file), and looked
#: up (organisations, duplicates, suppression) and written with one statement per table.
CHUNK_ROWS = 5000
#: From this many rows, validation runs in worker processes (below it, starting them costs
#: more than it saves). REKISTERI_IMPORT_WORKERS sets how many (1: always in-process).
PARALLEL_MIN_ROWS = 10_000
YES_OR_NO = YES | NO


@dataclass
class _PersonRow:
    number: int
    values: dict[str, Any]
    organization_id: int | None = None
    department: str = ""
    role: str = ""


@dataclass(frozen=True)
class _PersonRules:
    """What is the same for every row of one file, worked out once: the group company's
    region and languages, the column labels, the catalogue's answers. Plain values only, so
    it goes to the validating processes as it is."""

    region: str
    default_language: str
    identity_country: str
    policy: RegisterPolicy
    labels: dict[str, str]

    def column(self, name: str) -> str:
        return self.labels.get(name, name)


@dataclass
class _Checked:
    """One chunk's rows after validation: the valid ones as (row, values, department,
    role), the errors, the rows read, and whether the reader stopped (an unreadable row)."""

    valid: list[tuple[int, dict[str, Any], str, str]]
    errors: list[RowError]
    rows: int = 0
    stopped: bool = False


def _validate_chunk(rules: _PersonRules, chunk: list[tuple[int, Mapping[str, str]]]) -> _Checked:
    """Validate rows with the same rules as the UI and the API (register.inputs). Runs in a
    worker process for a large file: nothing here may touch the database."""
    out = _Checked([], [])
    errors = out.errors
    column = rules.column
    region, identity_country = rules.region, rules.identity_country
    policy_errors = rules.policy.errors
    for number, row in chunk:
        out.rows += 1
        if BROKEN in row:
            errors.append(RowError(number, "", row[BROKEN]))
            out.stopped = True
            break
        if "__unnamed__" in row:
            errors.append(
                RowError(number, row["__unnamed__"], "a value in a column without a header")
            )
            continue
        data = dict(row)
        org_country = (data.get("organization_country") or "").strip()
        if org_country:
            try:
                data["organization_country"] = normalise_country(org_country)
            except InvalidValue as exc:
                errors.append(RowError(number, column("organization_country"), str(exc)))
                continue
        cleaned = clean_person(data, default_region=region, identity_country=identity_country)
        # The catalogue's register policies: `is_consumer` is yes or no, and no consumer in
        # a register that keeps business contacts only.
        answered = True
        if "is_consumer" in data:
            answer = str(data["is_consumer"] or "").strip().casefold()
            if answer not in YES_OR_NO:
                cleaned.errors["is_consumer"] = "must be yes or no"
                answered = False
            else:
                cleaned.values["is_consumer"] = answer in YES
        if answered:
            for name, message in policy_errors(data).items():
                cleaned.errors.setdefault(name, message)
        if cleaned.errors:
            errors.extend(RowError(number, column(k), m) for k, m in cleaned.errors.items())
            continue
        values = cleaned.values
        if not (data.get("language") or "").strip():
            values["language"] = rules.default_language
        if values.get("organization_business_id"):
            values["organization_country"] = data.get("organization_country") or region
        department = (data.get("department") or "").strip()
        role = (data.get("role") or "").strip()
        if len(department) > 150:
            errors.append(RowError(number, column("department"), too_long(150)))
        if len(role) > 100:
            errors.append(RowError(number, column("role"), too_long(100)))
        out.valid.append((number, values, department, role))
    return out


def _row_chunks(rows: Rows, size: int) -> Iterator[list[tuple[int, Mapping[str, str]]]]:
    chunk: list[tuple[int, Mapping[str, str]]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _worker_count(total: int | None, workers: int | None) -> int:
    if workers is None:
        configured = os.environ.get("REKISTERI_IMPORT_WORKERS", "")
        if configured.strip():
            workers = int(configured)
        elif total is None or total < PARALLEL_MIN_ROWS:
            return 1
        else:
            workers = os.cpu_count() or 1
    return max(1, workers)


def _validated(
    rules: _PersonRules, rows: Rows, *, total: int | None, workers: int | None, chunk_rows: int
) -> Iterator[_Checked]:
    """Each chunk's validation, in the file's order.

    A large file is validated in worker processes (fork: they start with this process's
    modules and catalogue loaded, and touch no database), a few chunks in flight ahead of
    the one being merged, so the file is never all in memory twice. A small file stays in
    this process: no pool to start."""
    chunks = _row_chunks(rows, chunk_rows)
    count = _worker_count(total, workers)
    if count <= 1:
        for chunk in chunks:
            yield _validate_chunk(rules, chunk)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        pending: deque[Future[_Checked]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_validate_chunk, rules, chunk))
            while len(pending) > 2 * count:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def import_persons(
    *,
    actor: Actor,
    controller: Controller,
    rows: Rows,
    source: SourceRef,
    dry_run: bool = False,
    labels: Mapping[str, str] | None = None,
    progress: bool = False,
    workers: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Validate all rows, then create the persons with provenance, or write nothing.

    `workers`: validating processes (default: the machine's cores for a file of
    PARALLEL_MIN_ROWS rows or more, else none); `chunk_rows`: rows per chunk."""
    labels = _labels(rows, labels)
    report = ImportReport(kind="persons", source=source, dry_run=dry_run)
    region = controller.country or "FI"
    errors = report.errors
    snap = catalogue_snapshot()
    errors.extend(_unprocessed_columns(labels, snap))
    if errors:
        return report
    rules = _PersonRules(
        region=region,
        default_language=LANGUAGE_OF_COUNTRY.get(region, "en"),
        identity_country=identity_country_of(snap, controller.code),
        policy=RegisterPolicy.of(snap),
        labels=dict(labels),
    )
    total = getattr(rows, "total", None)
    started = time.perf_counter()
    valid: list[_PersonRow] = []
    orgs: dict[tuple[str, str], int | None] = {}
    for checked in _validated(
        rules,
        _progress(rows, enabled=progress, total=total, desc="validating"),
        total=total,
        workers=workers,
        chunk_rows=chunk_rows,
    ):
        report.rows += checked.rows
        errors.extend(checked.errors)
        items = [_PersonRow(n, v, None, d, r) for n, v, d, r in checked.valid]
        # One query per chunk, while the workers validate the next ones.
        _resolve_organizations(controller, items, report, rules.column, orgs)
        valid.extend(items)
        if checked.stopped:
            break
    report.timings["validate"] = time.perf_counter() - started
    if errors:
        errors.sort(key=lambda e: e.row)
        return report

    if dry_run:
        _plan_persons(controller, valid, report, chunk_rows)
        return report
    with transaction.atomic():
        # The check for duplicates and the writes under one lock, in one transaction: the
        # whole file or nothing; each chunk is checked and written with one statement per
        # table.
        lock_register(controller)
        written: list[int] = []
        for _chunk, to_create in _planned(controller, valid, report, chunk_rows):
            if to_create:
                written += _write_persons(
                    actor=actor, controller=controller, items=to_create, source=source
                )
        report.timings["write"] = time.perf_counter() - started - report.timings["validate"]
        if not written:
            return report
        report.person_ids = written
        created = [i for i in valid if i.number not in report.skipped_rows]
        screening_queue(person_ids=report.person_ids)
        # What was written, by the field map: the person row always, the rest as given.
        categories = {person_input_category("last_name"), person_input_category("is_consumer")}
        for name in ("email", "phone", IDENTITY_CODE):
            if any(i.values.get(name) for i in created):
                categories.add(person_input_category(name))
        if any(i.organization_id for i in created):
            categories.add(person_input_category("organization_business_id"))
        categories.discard(None)
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            person_ids=report.person_ids,
            record="imports:persons",
            categories=categories,
            purpose=source.purpose,
            reason=f"persons imported from {source.kind}: {source.name}"[:500],
            detail={
                "rows": report.rows,
                "created": report.created,
                "skipped": report.skipped,
                "suppressed": report.suppressed,
            },
        )
        report.timings["audit"] = (
            time.perf_counter() - started - report.timings["validate"] - report.timings["write"]
        )
    return report


@dataclass
class _Seen:
    """The emails and identity codes of the rows kept so far, across chunks."""

    email: dict[str, int] = field(default_factory=dict)
    code: dict[str, int] = field(default_factory=dict)


def _planned(
    controller: Controller, valid: list[_PersonRow], report: ImportReport, chunk_rows: int
) -> Iterator[tuple[list[_PersonRow], list[_PersonRow]]]:
    """Each chunk with its rows to create: duplicates (of an earlier row in any chunk, or of
    the register) left out, suppressed addresses noted. The notes are in the report as one
    list, duplicates first, each kind in row order, as for a file of one chunk."""
    seen = _Seen()
    suppressed: list[Note] = []
    for chunk in _chunks(valid, chunk_rows):
        to_create = _drop_duplicate_persons(controller, chunk, report, seen)
        for number in sorted(_suppressed(to_create)):
            report.suppressed += 1
            suppressed.append(
                Note(
                    number, "suppressed", "on the suppression list; imported, but never marketed to"
                )
            )
        report.created += len(to_create)
        yield chunk, to_create
    report.notes.extend(suppressed)


def _plan_persons(
    controller: Controller, valid: list[_PersonRow], report: ImportReport, chunk_rows: int
) -> None:
    """A dry run: what would be created, skipped and noted, nothing written."""
    for _chunk in _planned(controller, valid, report, chunk_rows):
        pass


def _resolve_organizations(
    controller: Controller,
    items: list[_PersonRow],
    report: ImportReport,
    column: Any,
    found: dict[tuple[str, str], int | None],
) -> None:
    """Each row's organisation by business ID: what `found` (earlier chunks) does not know
    is read with one query."""
    wanted = {
        (i.values["organization_country"], i.values["organization_business_id"])
        for i in items
        if i.values.get("organization_business_id")
    }
    unknown = sorted({bid for key in wanted if key not in found for bid in key[1:]})
    for chunk in _chunks(unknown):
        for pk, country, bid in Organization.objects.filter(
            controller=controller, business_id__in=chunk
        ).values_list("pk", "country", "business_id"):
            found[(country, bid)] = pk
    for key in wanted:
        found.setdefault(key, None)
    for item in items:
        bid = item.values.get("organization_business_id")
        if not bid:
            continue
        pk = found.get((item.values["organization_country"], bid))
        if pk is None:
            report.errors.append(
                RowError(
                    item.number,
                    column("organization_business_id"),
                    "no organisation with this business ID in the register"
                    " (import the organisations first)",
                )
            )
        item.organization_id = pk


def _drop_duplicate_persons(
    controller: Controller,
    items: list[_PersonRow],
    report: ImportReport,
    seen: _Seen | None = None,
) -> list[_PersonRow]:
    """The rows of one chunk that are no one already: not the same email or identity code
    as an earlier row (`seen`, across chunks) or a person in the register (one query per
    chunk for each). Skipped rows get a note and count in the report."""
    seen = seen if seen is not None else _Seen()
    emails = sorted({i.values["email"] for i in items if i.values.get("email")})
    known_email: dict[str, int] = {}
    for chunk in _chunks(emails):
        known_email.update(
            ContactPoint.objects.filter(
                kind=ContactKind.EMAIL, value__in=chunk, person__controller=controller
            ).values_list("value", "person_id")
        )
    hashes = {
        i.number: identity_code_hash(i.values[IDENTITY_CODE])
        for i in items
        if i.values.get(IDENTITY_CODE)
    }
    known_code: dict[str, int] = {}
    for chunk in _chunks(sorted(set(hashes.values()))):
        known_code.update(
            IdentityCode.objects.filter(
                lookup_hash__in=chunk, person__controller=controller
            ).values_list("lookup_hash", "person_id")
        )
    seen_email, seen_code = seen.email, seen.code
    keep: list[_PersonRow] = []
    for item in items:
        email = item.values.get("email")
        code = hashes.get(item.number)
        note: Note | None = None
        if email and email in seen_email:
            other = seen_email[email]
            note = Note(
                item.number, "same_email", f"same email as row {other}; skipped", other=other
            )
        elif email and email in known_email:
            pid = known_email[email]
            note = Note(
                item.number,
                "known_email",
                f"a person with this email is already in the register (person {pid}); skipped",
                record=pid,
            )
        elif code and code in seen_code:
            other = seen_code[code]
            note = Note(
                item.number, "same_code", f"same identity code as row {other}; skipped", other=other
            )
        elif code and code in known_code:
            pid = known_code[code]
            note = Note(
                item.number,
                "known_code",
                "a person with this identity code is already in the register"
                f" (person {pid}); skipped",
                record=pid,
            )
        if note is not None:
            report.skipped += 1
            report.skipped_rows.add(item.number)
            report.notes.append(note)
            continue
        if email:
            seen_email[email] = item.number
        if code:
            seen_code[code] = item.number
        keep.append(item)
    return keep


def _write_persons(
    *, actor: Actor, controller: Controller, items: list[_PersonRow], source: SourceRef
) -> list[int]:
    now = timezone.now()
    today = timezone.localdate()
    stamp = {"created_at": now, "updated_at": now}
    ids = allocate_ids(Person, len(items))
    cp_count = sum(bool(i.values.get("email")) + bool(i.values.get("phone")) for i in items)
    cp_ids = iter(allocate_ids(ContactPoint, cp_count))
    aff_ids = iter(allocate_ids(Affiliation, sum(1 for i in items if i.organization_id)))
    code_ids = iter(
        allocate_ids(IdentityCode, sum(1 for i in items if i.values.get(IDENTITY_CODE)))
    )

    json_cache: dict[tuple[str, ...], Any] = {}

    def fields_json(names: tuple[str, ...]) -> Any:
        value = json_cache.get(names)
        if value is None:
            value = json_cache[names] = prepared(Provenance, "fields", list(names))
        return value

    people: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    codes: list[tuple[Any, ...]] = []
    provenance: list[tuple[Any, ...]] = []
    cid = controller.pk
    creator = actor.name[:150]
    person_label, cp_label = Person._meta.label, ContactPoint._meta.label
    aff_label, code_label = Affiliation._meta.label, IdentityCode._meta.label
    value_fields = fields_json(("value",))
    for pid, item in zip(ids, items, strict=True):
        v = item.values
        first, last = v.get("first_name", ""), v["last_name"]
        title = v.get("title", "")
        nationality = v.get("nationality", "")
        people.append(
            (
                pid,
                cid,
                first,
                last,
                make_search_name(first, last),
                title,
                v["language"],
                nationality,
                bool(item.organization_id),
                bool(v.get("is_consumer")),
                creator,
            )
        )
        given = tuple(
            name
            for name, value in (
                ("first_name", first),
                ("language", v["language"]),
                ("last_name", last),
                ("nationality", nationality),
                ("title", title),
            )
            if value
        )
        provenance.append((pid, f"{person_label}:{pid}", fields_json(given)))
        for kind in (ContactKind.EMAIL, ContactKind.PHONE):
            value = v.get(kind)
            if value:
                cp = next(cp_ids)
                contacts.append((cp, pid, kind.value, value))
                provenance.append((pid, f"{cp_label}:{cp}", value_fields))
        if item.organization_id:
            aff = next(aff_ids)
            links.append((aff, pid, item.organization_id, title, item.department, item.role))
            provenance.append(
                (
                    pid,
                    f"{aff_label}:{aff}",
                    fields_json(
                        tuple(
                            n
                            for n, x in (
                                ("department", item.department),
                                ("organization", 1),
                                ("role", item.role),
                                ("start", 1),
                                ("title", title),
                            )
                            if x
                        )
                    ),
                )
            )
        if v.get(IDENTITY_CODE):
            code = v[IDENTITY_CODE]
            ic = next(code_ids)
            codes.append(
                (
                    ic,
                    pid,
                    v["identity_code_country"],
                    encrypt_field(code),
                    identity_code_hash(code),
                    mask_identity_code(code),
                )
            )
            provenance.append((pid, f"{code_label}:{ic}", fields_json(("encrypted",))))

    insert_rows(
        Person,
        (
            "id",
            "controller",
            "first_name",
            "last_name",
            "search_name",
            "title",
            "language",
            "nationality",
            "is_contact_person",
            "is_consumer",
            "created_by",
        ),
        people,
        constants=stamp,
    )
    insert_rows(
        ContactPoint,
        ("id", "person", "kind", "value"),
        contacts,
        constants={**stamp, "primary": True},
    )
    insert_rows(
        Affiliation,
        ("id", "person", "organization", "title", "department", "role"),
        links,
        constants={**stamp, "start": today, "is_contact_person": True},
    )
    insert_rows(
        IdentityCode,
        ("id", "person", "country", "encrypted", "lookup_hash", "masked"),
        codes,
        constants={"created_at": now},
    )
    insert_rows(
        Provenance,
        ("person", "record", "fields"),
        provenance,
        constants={
            "source_kind": source.kind,
            "source_name": source.name[:255],
            "collected_at": now,
            "recorded_by": creator,
            "purpose": source.purpose,
        },
    )
    return ids


# --- organisations -----------------------------------------------------------------------


@dataclass
class _OrgRow:
    number: int
    values: dict[str, Any]
    relationships: list[str] = field(default_factory=list)


def _fill(target: dict[str, Any], other: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Fill target's empty fields from other. Returns (filled, conflicting) field names."""
    filled, conflicts = [], []
    for name in ORG_FILLABLE:
        new = other.get(name) or ""
        if not new:
            continue
        if not target.get(name):
            target[name] = new
            filled.append(name)
        elif target[name] != new:
            conflicts.append(name)
    return filled, conflicts


def import_organizations(
    *,
    actor: Actor,
    controller: Controller,
    rows: Rows,
    source: SourceRef,
    dry_run: bool = False,
    labels: Mapping[str, str] | None = None,
    progress: bool = False,
) -> ImportReport:
    """Validate all rows, then create or complete the organisations, or write nothing."""
    labels = _labels(rows, labels)
    report = ImportReport(kind="organizations", source=source, dry_run=dry_run)
    total = getattr(rows, "total", None)
    valid: list[_OrgRow] = []
    for number, row in _progress(rows, enabled=progress, total=total, desc="validating"):
        report.rows += 1
        if BROKEN in row:
            report.errors.append(RowError(number, "", row[BROKEN]))
            break
        if "__unnamed__" in row:
            report.errors.append(
                RowError(number, row["__unnamed__"], "a value in a column without a header")
            )
            continue
        data = dict(row)
        if not (data.get("country") or "").strip():
            data["country"] = controller.country or "FI"
        cleaned = clean_organization(data)
        if cleaned.errors:
            report.errors.extend(
                RowError(number, labels.get(k, k), m) for k, m in cleaned.errors.items()
            )
            continue
        values = cleaned.values
        valid.append(_OrgRow(number, values, list(values.pop("relationship", []))))
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        return report

    # Same business ID within the file: later rows complete the first one.
    first: dict[tuple[str, str], _OrgRow] = {}
    unique: list[_OrgRow] = []
    for item in valid:
        bid = item.values.get("business_id")
        key = (item.values["country"], bid) if bid else None
        if key is None or key not in first:
            if key is not None:
                first[key] = item
            unique.append(item)
            continue
        target = first[key]
        filled, conflicts = _fill(target.values, item.values)
        target.relationships += [k for k in item.relationships if k not in target.relationships]
        report.merged += 1
        text = f"same business ID as row {target.number}; merged into it"
        if conflicts:
            text += f" (kept row {target.number}'s {', '.join(conflicts)})"
        report.notes.append(
            Note(item.number, "merged", text, other=target.number, conflicts=conflicts)
        )

    if dry_run:
        _plan_organizations(controller, unique, report)
        return report

    today = timezone.localdate()
    with transaction.atomic():
        # What is already in the register is read under the lock, in the writing transaction.
        lock_register(controller)
        new, updates = _plan_organizations(controller, unique, report)
        if not (new or updates):
            return report
        created = Organization.objects.bulk_create(
            [
                Organization(
                    controller=controller,
                    created_by=actor.name[:150],
                    search_name=search_key(item.values.get("name", "")),
                    **item.values,
                )
                for item in new
            ],
            batch_size=1000,
        )
        relationships = [
            OrganizationRelationship(organization=org, kind=kind, start=today)
            for org, item in zip(created, new, strict=True)
            for kind in item.relationships
        ]
        for org, filled, kinds in updates:
            if filled:
                org.save(update_fields=[*filled, "updated_at"])
            relationships += [
                OrganizationRelationship(organization=org, kind=k, start=today) for k in kinds
            ]
        OrganizationRelationship.objects.bulk_create(relationships, batch_size=1000)
        # Where each organisation field came from (enrichment compares it with the trade
        # register's dates, docs/enrichment.md): the import's source, for what it set.
        now = timezone.now()
        OrganizationProvenance.objects.bulk_create(
            [
                OrganizationProvenance(
                    organization=org,
                    fields=sorted(fields),
                    source_kind=source.kind,
                    source_name=source.name[:255],
                    collected_at=now,
                    recorded_by=actor.name[:150],
                )
                for org, fields in [
                    *(
                        (o, [k for k, v in i.values.items() if v])
                        for o, i in zip(created, new, strict=True)
                    ),
                    *((o, filled) for o, filled, _ in updates),
                ]
                if fields
            ],
            batch_size=1000,
        )
        report.organization_ids = [o.pk for o in created] + [o.pk for o, _, _ in updates]
        # New organisations, and those whose name the import filled in, are screened.
        screening_queue(
            organization_ids=[o.pk for o in created]
            + [o.pk for o, filled, _ in updates if "name" in filled]
        )
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            record="imports:organizations",
            purpose=source.purpose,
            reason=f"organisations imported from {source.kind}: {source.name}"[:500],
            detail={
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "merged": report.merged,
                "skipped": report.skipped,
            },
        )
    return report


def _plan_organizations(
    controller: Controller, unique: list[_OrgRow], report: ImportReport
) -> tuple[list[_OrgRow], list[tuple[Organization, list[str], list[str]]]]:
    """Which rows are new organisations and which complete one already in the register."""
    bids = sorted({i.values["business_id"] for i in unique if i.values.get("business_id")})
    existing: dict[tuple[str, str], Organization] = {}
    for chunk in _chunks(bids):
        for org in Organization.objects.filter(controller=controller, business_id__in=chunk):
            existing[(org.country, org.business_id)] = org
    open_kinds: dict[int, set[str]] = {}
    if existing:
        for org_id, kind in OrganizationRelationship.objects.filter(
            organization__in=list(existing.values()), end__isnull=True
        ).values_list("organization_id", "kind"):
            open_kinds.setdefault(org_id, set()).add(kind)

    new: list[_OrgRow] = []
    updates: list[tuple[Organization, list[str], list[str]]] = []
    for item in unique:
        bid = item.values.get("business_id")
        org = existing.get((item.values["country"], bid)) if bid else None
        if org is None:
            new.append(item)
            continue
        current = {n: getattr(org, n) for n in ORG_FILLABLE}
        filled, _conflicts = _fill(current, item.values)
        kinds = [k for k in item.relationships if k not in open_kinds.get(org.pk, set())]
        for name in filled:
            setattr(org, name, current[name])
        if filled or kinds:
            report.updated += 1
            updates.append((org, filled, kinds))
            what = ", ".join(
                [*(f"filled {n}" for n in filled), *(f"added relationship {k}" for k in kinds)]
            )
            report.notes.append(
                Note(
                    item.number,
                    "completed",
                    f"business ID already in the register (organisation {org.pk}); {what}",
                    record=org.pk,
                    filled=filled,
                    relationships=kinds,
                )
            )
        else:
            report.skipped += 1
            report.notes.append(
                Note(
                    item.number,
                    "nothing_new",
                    f"business ID already in the register (organisation {org.pk});"
                    " nothing new, skipped",
                    record=org.pk,
                )
            )
    report.created = len(new)
    return new, updates
