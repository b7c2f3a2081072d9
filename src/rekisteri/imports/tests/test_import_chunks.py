"""A large import: validated in chunks, in worker processes, written chunk by chunk in one
transaction. Files here are cut into chunks of a few rows (`chunk_rows`) so that the chunked
and parallel paths run on small files; every test runs on the suite's database (SQLite or
PostgreSQL, where the rows go in with COPY)."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from django.db import transaction

from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.imports import services
from rekisteri.imports.readers import read_csv_text
from rekisteri.imports.services import import_organizations, import_persons
from rekisteri.register.models import (
    Affiliation,
    ContactPoint,
    IdentityCode,
    Person,
    Provenance,
)
from rekisteri.register.services import SourceRef

pytestmark = pytest.mark.django_db

HEADER = "etunimi;sukunimi;sähköposti;puhelin;y-tunnus;osasto;rooli;henkilötunnus"
CODES = ["010594Y9021", "131052-308T", "290200A999J"]


class Rollback(Exception):
    pass


@pytest.fixture
def organisations(fi_controller: Any) -> None:
    report = import_organizations(
        actor=Actor("test"),
        controller=fi_controller,
        rows=read_csv_text(
            "nimi;y-tunnus;suhde\nIdeafix Oy;0834973-3;asiakas\nTilitoimisto Oy;2327327-1;toimittaja\n",
            "organizations",
        ),
        source=SourceRef(kind="public_register", name="YTJ"),
    )
    assert report.ok


def person_file(n: int, *, bad: dict[int, str] | None = None) -> str:
    """n persons (rows 2 … n+1): every third at an organisation with a department and a
    role, every other with a phone, three with identity codes; `bad` replaces the email of
    the given file rows."""
    lines = [HEADER]
    for i in range(n):
        row = i + 2
        email = (bad or {}).get(row, f"henkilo{i}@yritys.example")
        bid = ("0834973-3", "2327327-1")[i % 2] if i % 3 == 0 else ""
        lines.append(
            ";".join(
                [
                    f"Etu{i}",
                    f"Suku{i}",
                    email,
                    f"040 {1000000 + i}" if i % 2 else "",
                    bid,
                    "Hankinta" if bid else "",
                    "Päättäjä" if bid else "",
                    CODES[i // 7] if i % 7 == 0 and i // 7 < len(CODES) else "",
                ]
            )
        )
    return "\n".join(lines) + "\n"


def run(controller: Any, text: str, **options: Any) -> services.ImportReport:
    return import_persons(
        actor=Actor("test"),
        controller=controller,
        rows=read_csv_text(text, "persons"),
        source=SourceRef(kind="third_party", name="vanha-crm.csv"),
        **options,
    )


def register_contents() -> dict[str, Any]:
    """The register as a user would see it, with person ids replaced by their order."""
    persons = list(Person.objects.order_by("id"))
    order = {p.pk: n for n, p in enumerate(persons)}
    out: dict[str, Any] = {
        "persons": [
            (p.first_name, p.last_name, p.search_name, p.title, p.language, p.is_contact_person)
            for p in persons
        ],
        "contacts": sorted(
            (order[c.person_id], c.kind, c.value, c.primary) for c in ContactPoint.objects.all()
        ),
        "affiliations": sorted(
            (order[a.person_id], a.organization_id, a.department, a.role, a.is_contact_person)
            for a in Affiliation.objects.all()
        ),
        "codes": sorted(
            (order[c.person_id], c.country, c.masked, c.lookup_hash)
            for c in IdentityCode.objects.all()
        ),
        "provenance": sorted(
            (
                order[p.person_id],
                p.record.split(":")[0],
                tuple(p.fields),
                p.source_kind,
                p.source_name,
                p.purpose,
                p.recorded_by,
            )
            for p in Provenance.objects.filter(person__in=persons)
        ),
    }
    event = AuditEvent.objects.filter(action=AuditAction.IMPORT, record="imports:persons").get()
    out["audit"] = (
        sorted(order[pid] for pid in event.person_ids),
        sorted(event.categories),
        event.purpose,
        event.detail,
    )
    return out


def imported(controller: Any, text: str, **options: Any) -> tuple[Any, dict[str, Any]]:
    """Import, read what the register holds, and roll it all back."""
    seen: dict[str, Any] = {}
    with pytest.raises(Rollback), transaction.atomic():
        seen["report"] = run(controller, text, **options)
        seen["contents"] = register_contents()
        raise Rollback
    assert not Person.objects.exists()
    return seen["report"], seen["contents"]


def test_parallel_import_of_many_chunks_writes_the_same_register_as_one_process(
    fi_controller: Any, organisations: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted: list[int] = []

    class CountingPool(ProcessPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            submitted.append(len(args[1]))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(services, "ProcessPoolExecutor", CountingPool)
    text = person_file(60)
    serial, one = imported(fi_controller, text, workers=1)
    assert submitted == []
    parallel, many = imported(fi_controller, text, workers=2, chunk_rows=7)
    assert submitted == [7] * 8 + [4]  # validated in worker processes, 9 chunks
    assert (parallel.rows, parallel.created, parallel.skipped) == (60, 60, 0)
    assert parallel.notes == serial.notes
    assert many == one
    assert len(one["persons"]) == 60
    assert len(one["codes"]) == 3
    assert {kind for _, kind, *_ in one["provenance"]} == {
        "register.Person",
        "register.ContactPoint",
        "register.Affiliation",
        "register.IdentityCode",
    }


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_row_in_the_last_chunk_writes_nothing(
    fi_controller: Any, organisations: None, workers: int
) -> None:
    report = run(
        fi_controller, person_file(40, bad={41: "ei-osoite"}), workers=workers, chunk_rows=8
    )
    assert [str(e) for e in report.errors] == [
        "row 41, column sähköposti: not a valid email address: an @ sign is missing"
    ]
    assert report.rows == 40
    assert not Person.objects.exists()
    assert not Provenance.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT, record="imports:persons")


def test_an_unknown_business_id_in_the_last_chunk_writes_nothing(
    fi_controller: Any, organisations: None
) -> None:
    text = person_file(30) + "Uusi;Henkilö;uusi@yritys.example;;0737546-2;;;\n"
    report = run(fi_controller, text, workers=2, chunk_rows=8)
    assert [str(e) for e in report.errors] == [
        "row 32, column y-tunnus: no organisation with this business ID in the register"
        " (import the organisations first)"
    ]
    assert not Person.objects.exists()


def test_errors_in_several_chunks_are_reported_in_row_order(
    fi_controller: Any, organisations: None
) -> None:
    report = run(
        fi_controller,
        person_file(30, bad={3: "a@@b", 17: "x", 31: "y"}),
        workers=2,
        chunk_rows=5,
    )
    assert [e.row for e in report.errors] == [3, 17, 31]
    assert {e.column for e in report.errors} == {"sähköposti"}
    assert not Person.objects.exists()


def test_duplicates_in_different_chunks_are_reported_and_skipped(
    fi_controller: Any, organisations: None
) -> None:
    first = run(fi_controller, "sukunimi;sähköposti\nVanha;vanha@asiakas.example\n")
    assert first.created == 1
    old = Person.objects.get()
    lines = [HEADER.split(";")[1] + ";" + HEADER.split(";")[2]]
    lines += [f"Suku{i};henkilo{i}@yritys.example" for i in range(20)]  # rows 2-21
    lines.append("Toinen;HENKILO1@yritys.example")  # row 22: same as row 3, a later chunk
    lines.append("Kolmas;vanha@asiakas.example")  # row 23: already in the register
    report = run(fi_controller, "\n".join(lines) + "\n", workers=2, chunk_rows=6)
    assert report.ok
    assert (report.created, report.skipped) == (20, 2)
    assert report.notes == [
        "row 22: same email as row 3; skipped",
        f"row 23: a person with this email is already in the register (person {old.pk}); skipped",
    ]
    assert Person.objects.count() == 21
    event = AuditEvent.objects.filter(action=AuditAction.IMPORT, record="imports:persons").last()
    assert len(event.person_ids) == 20
    assert event.detail == {"rows": 22, "created": 20, "skipped": 2, "suppressed": 0}


def test_dry_run_of_many_chunks_reports_and_writes_nothing(
    fi_controller: Any, organisations: None
) -> None:
    report = run(fi_controller, person_file(25), workers=2, chunk_rows=4, dry_run=True)
    assert (report.ok, report.rows, report.created) == (True, 25, 25)
    assert not Person.objects.exists()


def test_a_large_file_is_validated_in_worker_processes_a_small_one_in_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REKISTERI_IMPORT_WORKERS", raising=False)
    assert services._worker_count(100, None) == 1
    assert services._worker_count(None, None) == 1
    assert services._worker_count(services.PARALLEL_MIN_ROWS, None) == (os.cpu_count() or 1)
    monkeypatch.setenv("REKISTERI_IMPORT_WORKERS", "1")
    assert services._worker_count(1_000_000, None) == 1
