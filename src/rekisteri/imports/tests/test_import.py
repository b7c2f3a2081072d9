from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.imports.readers import read_csv_text
from rekisteri.imports.services import import_organizations, import_persons
from rekisteri.register.models import (
    Affiliation,
    ContactPoint,
    IdentityCode,
    Organization,
    OrganizationRelationship,
    Person,
    Provenance,
    record_key,
)
from rekisteri.register.services import SourceRef

pytestmark = pytest.mark.django_db


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (
            Person,
            ContactPoint,
            Affiliation,
            Organization,
            OrganizationRelationship,
            Provenance,
            AuditEvent,
        )
    }


@pytest.fixture
def customer(fi_controller: Any) -> Organization:
    report = import_organizations(
        actor=Actor("test"),
        controller=fi_controller,
        rows=read_csv_text("nimi;y-tunnus;suhde\nIdeafix Oy;0834973-3;asiakas\n", "organizations"),
        source=SourceRef(kind="public_register", name="YTJ"),
    )
    assert report.ok
    return Organization.objects.get(business_id="0834973-3")


def test_bad_ytunnus_and_bad_email_name_both_rows_and_leave_register_unchanged(
    tmp_path: Path, customer: Organization
) -> None:
    path = write_csv(
        tmp_path / "yhteyshenkilöt.csv",
        ["etunimi", "sukunimi", "sähköposti", "y-tunnus"],
        [
            ["Maija", "Meikäläinen", "maija@ideafix.example", "0834973-3"],
            ["Matti", "Virtanen", "matti@ideafix.example", "0834973-4"],
            ["Liisa", "Laine", "liisa@@ideafix", "0834973-3"],
        ],
        delimiter=";",
    )
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("import", "persons", str(path), "--controller", "esimerkki-fi", stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 3, column y-tunnus: not a valid Y-tunnus")
    assert lines[1].startswith("row 4, column sähköposti: not a valid email address")
    assert counts() == before


def test_organisation_file_with_bad_ytunnus_names_row_and_column(
    tmp_path: Path, fi_controller: Any
) -> None:
    path = write_csv(
        tmp_path / "yritykset.csv",
        ["Nimi", "Y-tunnus", "Verkkosivut"],
        [["Hyvä Oy", "0834973-3", "hyva.example"], ["Huono Oy", "1234567-8", ""]],
    )
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import", "organizations", str(path), "--controller", "esimerkki-fi", stderr=err
        )
    assert "row 3, column Y-tunnus: not a valid Y-tunnus" in err.getvalue()
    assert counts() == before


@pytest.mark.slow
def test_ten_thousand_rows_import_with_provenance_for_every_person(
    tmp_path: Path, customer: Organization
) -> None:
    rows = [
        [
            f"Etu{i}",
            f"Suku{i % 97}",
            f"henkilo{i}@asiakas.example",
            f"040 {1000000 + i}",
            "myyntipäällikkö",
            "fi" if i % 3 else "sv",
            "0834973-3" if i % 2 else "",
        ]
        for i in range(10_000)
    ]
    path = write_csv(
        tmp_path / "iso.csv",
        ["first_name", "last_name", "email", "phone", "title", "language", "y-tunnus"],
        rows,
    )
    out, _ = run_import(
        "persons", str(path), "--controller", "esimerkki-fi", "--source", "Messulista 2025"
    )
    assert "10000 were created" in out
    assert Person.objects.count() == 10_000
    assert ContactPoint.objects.count() == 20_000
    assert Affiliation.objects.count() == 5_000
    person = Person.objects.get(first_name="Etu1")
    assert person.search_name == "suku1 etu1"
    assert person.is_contact_person
    provenance = Provenance.objects.filter(person=person)
    records = {p.record for p in provenance}
    assert record_key(person) in records
    assert {record_key(cp) for cp in person.contact_points.all()} <= records
    assert {record_key(a) for a in person.affiliations.all()} <= records
    assert {(p.source_kind, p.source_name, p.recorded_by) for p in provenance} == {
        ("third_party", "Messulista 2025", "import")
    }
    # every person and every contact point has its provenance row
    assert Provenance.objects.filter(record__startswith="register.Person:").count() == 10_000
    assert Provenance.objects.filter(record__startswith="register.ContactPoint:").count() == 20_000
    event = AuditEvent.objects.get(action=AuditAction.IMPORT, record="imports:persons")
    assert len(event.person_ids) == 10_000
    assert event.detail["rows"] == 10_000
    assert "Messulista 2025" in event.reason
    # the ids allocated up front do not collide with what the ORM creates next
    later = Person.objects.create(controller=person.controller, last_name="Myöhempi")
    assert later.pk > max(event.person_ids)


def test_semicolon_csv_with_bom_and_finnish_headers(tmp_path: Path, customer: Organization) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        (
            "\ufeffEtunimi;Sukunimi;Sähköposti;Puhelin;Titteli;Kieli;Y-tunnus;Osasto\r\n"
            "Maija;Meikäläinen;Maija.Meikalainen@Ideafix.example;040 123 4567;"
            "Toimitusjohtaja;suomi;0834973-3;Johto\r\n"
        ).encode()
    )
    run_import(
        "persons", str(path), "--controller", "esimerkki-fi", "--source-kind", "data_subject"
    )
    person = Person.objects.get()
    assert (person.first_name, person.title, person.language) == (
        "Maija",
        "Toimitusjohtaja",
        "fi",
    )
    assert set(person.contact_points.values_list("kind", "value")) == {
        ("email", "maija.meikalainen@ideafix.example"),
        ("phone", "+358401234567"),
    }
    affiliation = person.affiliations.get()
    assert (affiliation.organization, affiliation.department) == (customer, "Johto")
    assert set(person.provenance.values_list("source_kind", flat=True)) == {"data_subject"}


def test_xlsx_with_swedish_headers(tmp_path: Path, se_controller: Any) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["Namn", "Organisationsnummer", "Land", "Gatuadress", "Postnummer", "Ort", "Relation"]
    )
    ws.append(["Exempel Kund AB", "5560360793", "SE", "Storgatan 1", "111 22", "Stockholm", "kund"])
    orgs = tmp_path / "företag.xlsx"
    wb.save(orgs)
    run_import("organizations", str(orgs), "--controller", "exempel-se")
    org = Organization.objects.get(controller=se_controller)
    assert (org.business_id, org.city) == ("556036-0793", "Stockholm")
    assert list(org.relationships.values_list("kind", flat=True)) == ["customer"]

    wb = Workbook()
    ws = wb.active
    ws.append(["Förnamn", "Efternamn", "E-post", "Telefon", "Titel", "Språk", "Org.nr"])
    ws.append(
        ["Anna", "Andersson", "anna@kund.example", "070-123 45 67", "VD", "svenska", "556036-0793"]
    )
    persons = tmp_path / "kontakter.xlsx"
    wb.save(persons)
    run_import("persons", str(persons), "--controller", "exempel-se")
    person = Person.objects.get(controller=se_controller)
    assert (person.language, person.title) == ("sv", "VD")
    assert person.contact_points.get(kind="phone").value == "+46701234567"
    assert person.affiliations.get().organization == org


def test_language_defaults_to_the_group_companys_language(se_controller: Any) -> None:
    import_persons(
        actor=Actor("test"),
        controller=se_controller,
        rows=read_csv_text("efternamn\nBerg\n", "persons"),
        source=SourceRef(),
    )
    assert Person.objects.get().language == "sv"


def test_duplicate_emails_are_skipped_within_the_file_and_against_the_register(
    tmp_path: Path, fi_controller: Any, make_person: Any
) -> None:
    existing = make_person(email="vanha@asiakas.example")
    path = write_csv(
        tmp_path / "dup.csv",
        ["first_name", "last_name", "email"],
        [
            ["Uusi", "Ihminen", "uusi@asiakas.example"],
            ["Toinen", "Kerta", "UUSI@asiakas.example"],
            ["Vanha", "Tuttu", "vanha@asiakas.example"],
            ["Ei", "Sähköpostia", ""],
        ],
    )
    out, _ = run_import("persons", str(path), "--controller", "esimerkki-fi")
    assert "row 3: same email as row 2; skipped" in out
    assert (
        f"row 4: a person with this email is already in the register (person {existing.pk}); skipped"
        in out
    )
    assert "2 were created, 2 duplicate(s) were skipped" in out
    assert set(Person.objects.values_list("last_name", flat=True)) == {
        existing.last_name,
        "Ihminen",
        "Sähköpostia",
    }


def test_duplicate_business_id_fills_empty_fields_and_never_overwrites(
    tmp_path: Path, customer: Organization
) -> None:
    customer.city = "Helsinki"
    customer.save(update_fields=["city"])
    path = write_csv(
        tmp_path / "orgs.csv",
        ["nimi", "y-tunnus", "kaupunki", "verkkosivut", "suhde", "toimiala"],
        [
            ["Ideafix Oy", "0834973-3", "Espoo", "ideafix.example", "toimittaja", ""],
            ["Uusi Oy", "2327327-1", "", "", "prospekti", ""],
            ["Uusi Oy", "2327327-1", "Espoo", "", "", "Ohjelmistot"],
        ],
    )
    out, _ = run_import("organizations", str(path), "--controller", "esimerkki-fi")
    assert "row 4: same business ID as row 3; merged into it" in out
    assert (
        f"row 2: business ID already in the register (organisation {customer.pk});"
        " filled website, added relationship supplier" in out
    )
    customer.refresh_from_db()
    assert (customer.city, customer.website) == ("Helsinki", "https://ideafix.example")
    assert set(customer.relationships.values_list("kind", flat=True)) == {"customer", "supplier"}
    new = Organization.objects.get(business_id="2327327-1")
    assert (new.city, new.industry) == ("Espoo", "Ohjelmistot")
    assert Organization.objects.count() == 2
    event = AuditEvent.objects.filter(action=AuditAction.IMPORT).order_by("-seq").first()
    assert event.detail == {"rows": 3, "created": 1, "updated": 1, "merged": 1, "skipped": 0}


def test_dry_run_writes_nothing_but_reports(tmp_path: Path, customer: Organization) -> None:
    path = write_csv(
        tmp_path / "try.csv",
        ["first_name", "last_name", "email", "y-tunnus"],
        [["A", "B", "a@b.example", "0834973-3"], ["C", "D", "a@b.example", ""]],
    )
    before = counts()
    out, _ = run_import("persons", str(path), "--controller", "esimerkki-fi", "--dry-run")
    assert "1 would be created, 1 duplicate(s) would be skipped" in out
    assert "dry run" in out
    assert counts() == before


def test_person_linked_to_an_unknown_organisation_is_an_error(
    tmp_path: Path, fi_controller: Any
) -> None:
    path = write_csv(tmp_path / "p.csv", ["sukunimi", "y-tunnus"], [["Laine", "2327327-1"]])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "persons", str(path), "--controller", "esimerkki-fi", stderr=err)
    assert "row 2, column y-tunnus: no organisation with this business ID" in err.getvalue()
    assert not Person.objects.exists()


def test_identity_codes_with_2023_century_signs_are_stored_encrypted_and_masked(
    fi_controller: Any,
) -> None:
    report = import_persons(
        actor=Actor("test"),
        controller=fi_controller,
        rows=read_csv_text(
            "sukunimi;henkilötunnus\nUusi;010594Y9021\nToinen;010594Y9021\n", "persons"
        ),
        source=SourceRef(kind="data_subject"),
    )
    assert report.notes == ["row 3: same identity code as row 2; skipped"]
    code = IdentityCode.objects.get()
    assert code.masked == "010594Y****"
    assert "9021" not in code.encrypted
    assert Provenance.objects.filter(record=record_key(code)).exists()


def test_unknown_column_fails_the_command_naming_it(tmp_path: Path, fi_controller: Any) -> None:
    path = write_csv(tmp_path / "x.csv", ["sukunimi", "lempiruoka"], [["Laine", "puuro"]])
    with pytest.raises(CommandError, match=r"column B \(lempiruoka\): unknown column"):
        run_import("persons", str(path), "--controller", "esimerkki-fi")


def test_several_group_companies_need_controller(tmp_path: Path, se_controller: Any) -> None:
    path = write_csv(tmp_path / "x.csv", ["sukunimi"], [["Laine"]])
    with pytest.raises(CommandError, match="--controller is needed"):
        run_import("persons", str(path))


def test_audit_trail_verifies_after_an_import(tmp_path: Path, customer: Organization) -> None:
    path = write_csv(tmp_path / "x.csv", ["sukunimi", "sähköposti"], [["Laine", "l@a.example"]])
    run_import("persons", str(path), "--controller", "esimerkki-fi")
    call_command("audit", "verify", stdout=StringIO())


def test_suppressed_email_is_imported_and_reported(fi_controller: Any) -> None:
    from rekisteri.consent import services as consent

    consent.suppression_add(
        actor=Actor("test"),
        email="kielto@asiakas.example",
        reason="objection",
        scope=system_scope("test"),
    )
    report = import_persons(
        actor=Actor("test"),
        controller=fi_controller,
        rows=read_csv_text("sukunimi,email\nKielto,Kielto@asiakas.example\n", "persons"),
        source=SourceRef(),
    )
    assert report.created == 1
    assert report.suppressed == 1
    assert report.notes == ["row 2: on the suppression list; imported, but never marketed to"]
