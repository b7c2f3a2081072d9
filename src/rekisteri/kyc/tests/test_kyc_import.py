"""Importing beneficial owners, rights to represent and PEP statuses from real CSV and XLSX
files: persons by email or identity code, organisations by business ID; a bad file names
row and column and writes nothing; duplicates are reported; every record is audited."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.kyc.models import BeneficialOwner, PepStatus, RepresentationRight
from rekisteri.register.models import Organization, Person

HETU = "131052-308T"
YTUNNUS = "0112038-9"
CONTROLLER = ("--controller", "esimerkki-fi")


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ";") -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("kyc", "import", *args, *CONTROLLER, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def kyc_rows() -> int:
    return (
        BeneficialOwner.objects.count()
        + RepresentationRight.objects.count()
        + PepStatus.objects.count()
    )


@pytest.fixture
def org(fi_controller: Any) -> Organization:
    return Organization.objects.create(
        controller=fi_controller, name="Omistettu Oy", business_id=YTUNNUS, country="FI"
    )


@pytest.fixture
def people(make_person: Any) -> dict[str, Person]:
    return {
        "anna": make_person(first_name="Anna", email="anna@omistettu.fi"),
        "bert": make_person(first_name="Bert", email="bert@omistettu.fi", identity_code=HETU),
    }


def test_owners_from_a_finnish_csv_with_provenance_and_audit(
    tmp_path: Path, fi_controller: Any, org: Organization, people: dict[str, Person]
) -> None:
    path = write_csv(
        tmp_path / "omistajat.csv",
        [
            [
                "Y-tunnus",
                "Sähköposti",
                "Henkilötunnus",
                "Määräysvalta",
                "Omistusosuus",
                "Lähde",
                "Lähteen päivämäärä",
            ],
            [YTUNNUS, "Anna@Omistettu.fi", "", "ownership", "60,5", "owner_register", "15.1.2026"],
            [YTUNNUS, "", HETU, "äänivalta (yli 25 %)", "", "own_statement", "2026-02-01"],
        ],
    )
    before = AuditEvent.objects.filter(action=AuditAction.CREATE).count()
    out, _err = run(str(path), "--kind", "owners")
    assert "2 row(s) read, 2 were created" in out
    anna = BeneficialOwner.objects.get(person=people["anna"], organization=org)
    assert anna.share_percent == 60.5 and anna.control == "ownership"
    assert (anna.source, anna.source_date) == ("owner_register", date(2026, 1, 15))
    bert = BeneficialOwner.objects.get(person=people["bert"], organization=org)
    assert bert.control == "voting_rights" and bert.source == "own_statement"
    assert bert.recorded_by == "rekisteri kyc import"
    people["anna"].refresh_from_db()
    assert people["anna"].is_beneficial_owner
    created = AuditEvent.objects.filter(action=AuditAction.CREATE).count() - before
    assert created == 2
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, person_id=people["anna"].pk).last()
    assert event.record == f"kyc.BeneficialOwner:{anna.pk}" and event.purpose == "kyc_aml"
    summary = AuditEvent.objects.filter(action=AuditAction.IMPORT).last()
    assert summary.detail["created"] == 2 and "omistajat.csv" in summary.reason


def test_representatives_from_xlsx_with_evidence_and_validity(
    tmp_path: Path, fi_controller: Any, org: Organization, people: dict[str, Person]
) -> None:
    path = write_xlsx(
        tmp_path / "edustajat.xlsx",
        [
            ["Business ID", "Email", "Right", "Evidence", "Valid from", "Valid until"],
            [
                YTUNNUS,
                "anna@omistettu.fi",
                "signing right",
                "trade register extract",
                date(2026, 1, 1),
                None,
            ],
            [
                YTUNNUS,
                "bert@omistettu.fi",
                "power_of_attorney",
                "power of attorney 3/2026",
                date(2026, 3, 1),
                date(2026, 12, 31),
            ],
        ],
    )
    out, _err = run(
        str(path),
        "--kind",
        "representatives",
        "--source",
        "trade_register",
        "--source-date",
        "2026-03-02",
    )
    assert "2 were created" in out
    bert = RepresentationRight.objects.get(person=people["bert"])
    assert bert.kind == "power_of_attorney" and bert.evidence == "power of attorney 3/2026"
    assert (bert.valid_from, bert.valid_until) == (date(2026, 3, 1), date(2026, 12, 31))
    assert (bert.source, bert.source_date) == ("trade_register", date(2026, 3, 2))
    anna = RepresentationRight.objects.get(person=people["anna"])
    assert anna.kind == "signing_right" and anna.valid_until is None


def test_pep_statuses_from_xlsx_by_identity_code(
    tmp_path: Path, fi_controller: Any, people: dict[str, Person]
) -> None:
    path = write_xlsx(
        tmp_path / "pep.xlsx",
        [
            [
                "Henkilötunnus",
                "Peruste",
                "Kenen",
                "Asema",
                "Maa",
                "Alkaen",
                "Seuraava tarkistus",
                "Lähde",
                "Lähteen päivämäärä",
            ],
            [
                HETU,
                "family_member",
                "Kansanedustaja K. K.",
                "puoliso",
                "fi",
                date(2023, 4, 1),
                date(2027, 4, 1),
                "person_statement",
                date(2026, 1, 10),
            ],
        ],
    )
    out, _err = run(str(path), "--kind", "pep")
    pep = PepStatus.objects.get(person=people["bert"])
    assert pep.relation == "family_member" and pep.related_to == "Kansanedustaja K. K."
    assert pep.country == "FI" and pep.next_review == date(2027, 4, 1)
    assert "1 were created" in out


def test_a_bad_file_names_row_and_column_and_writes_nothing(
    tmp_path: Path, fi_controller: Any, org: Organization, people: dict[str, Person]
) -> None:
    path = write_csv(
        tmp_path / "huono.csv",
        [
            [
                "Y-tunnus",
                "Sähköposti",
                "Määräysvalta",
                "Omistusosuus",
                "Lähde",
                "Lähteen päivämäärä",
            ],
            [YTUNNUS, "anna@omistettu.fi", "ownership", "60", "owner_register", "2026-01-15"],
            [YTUNNUS, "bert@omistettu.fi", "friendship", "20", "owner_register", "2026-01-15"],
            [YTUNNUS, "nobody@omistettu.fi", "ownership", "10", "owner_register", "2026-01-15"],
            ["1234567-8", "anna@omistettu.fi", "ownership", "10", "owner_register", "2026-01-15"],
            [YTUNNUS, "bert@omistettu.fi", "ownership", "120", "owner_register", "2026-01-15"],
        ],
    )
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="nothing was imported"):
        run(str(path), "--kind", "owners")
    assert kyc_rows() == 0
    assert not Person.objects.filter(is_beneficial_owner=True).exists()
    # the audit trail has only the opening of the command's system scope
    assert AuditEvent.objects.count() - events == 1
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command(
            "kyc", "import", str(path), "--kind", "owners", *CONTROLLER, stdout=out, stderr=err
        )
    lines = err.getvalue().splitlines()
    assert lines[0] == "row 3, column Määräysvalta: choose one of the offered values"
    assert lines[1].startswith("row 4, column Sähköposti: no person with this email")
    assert lines[2].startswith("row 5, column Y-tunnus: not a valid Y-tunnus")
    assert lines[3] == "row 6, column Omistusosuus: the share is between 0 and 100 %"
    assert "nobody" not in err.getvalue()  # no value is repeated in a message


def test_an_xlsx_with_a_bad_date_names_the_cell_and_writes_nothing(
    tmp_path: Path, fi_controller: Any, people: dict[str, Person]
) -> None:
    path = write_xlsx(
        tmp_path / "pep.xlsx",
        [
            ["Email", "Basis", "Position", "Country", "Next review", "Source", "Source date"],
            [
                "anna@omistettu.fi",
                "self",
                "mayor",
                "FI",
                "2027-01-01",
                "public_source",
                "2026-01-01",
            ],
            [
                "bert@omistettu.fi",
                "self",
                "minister",
                "FI",
                "next spring",
                "public_source",
                "2026-01-01",
            ],
        ],
    )
    with pytest.raises(CommandError) as err:
        run(str(path), "--kind", "pep")
    assert "1 error(s) in 2 row(s)" in str(err.value)
    assert PepStatus.objects.count() == 0


def test_duplicates_are_reported_and_an_owner_already_there_is_corrected(
    tmp_path: Path, fi_controller: Any, org: Organization, people: dict[str, Person]
) -> None:
    header = [
        "Y-tunnus",
        "Sähköposti",
        "Määräysvalta",
        "Omistusosuus",
        "Lähde",
        "Lähteen päivämäärä",
    ]
    row = [YTUNNUS, "anna@omistettu.fi", "ownership", "60", "owner_register", "2026-01-15"]
    run(str(write_csv(tmp_path / "a.csv", [header, row])), "--kind", "owners")
    path = write_csv(
        tmp_path / "b.csv",
        [header, [*row[:3], "40", *row[4:]], [*row[:3], "30", *row[4:]]],
    )
    out, _err = run(str(path), "--kind", "owners")
    assert "row 3: the same record as row 2; skipped" in out
    assert "row 2: this beneficial owner is already in the register" in out
    assert "1 were corrected, 1 duplicate(s) were skipped" in out
    assert BeneficialOwner.objects.get().share_percent == 40

    reps = [
        ["Y-tunnus", "Sähköposti", "Edustusoikeus", "Todiste", "Lähde", "Lähteen päivämäärä"],
        [YTUNNUS, "anna@omistettu.fi", "signing_right", "extract", "trade_register", "2026-01-15"],
    ]
    run(str(write_csv(tmp_path / "r.csv", reps)), "--kind", "representatives")
    out, _err = run(str(write_csv(tmp_path / "r2.csv", reps)), "--kind", "representatives")
    assert "already in the register" in out and RepresentationRight.objects.count() == 1


def test_a_dry_run_reports_and_writes_nothing(
    tmp_path: Path, fi_controller: Any, org: Organization, people: dict[str, Person]
) -> None:
    path = write_csv(
        tmp_path / "o.csv",
        [
            ["business id", "email", "control", "source", "source date"],
            [YTUNNUS, "anna@omistettu.fi", "ownership", "owner_register", "2026-01-15"],
        ],
        delimiter=",",
    )
    out, _err = run(str(path), "--kind", "owners", "--dry-run")
    assert "1 would be created" in out and "nothing was written" in out
    assert kyc_rows() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_a_missing_person_column_or_source_is_named_before_any_row(
    tmp_path: Path, fi_controller: Any, org: Organization
) -> None:
    path = write_csv(tmp_path / "o.csv", [["Y-tunnus", "Määräysvalta"], [YTUNNUS, "ownership"]])
    _out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command(
            "kyc", "import", str(path), "--kind", "owners", *CONTROLLER, stdout=_out, stderr=err
        )
    text = err.getvalue()
    assert "the file has no column for the person" in text
    assert "--source-date" in text
    unknown = write_csv(tmp_path / "u.csv", [["Y-tunnus", "Kengännumero"], [YTUNNUS, "44"]])
    with pytest.raises(CommandError, match="unknown column"):
        run(str(unknown), "--kind", "owners")
