"""The import page: upload, a preview that writes nothing, then confirm or cancel."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.register.models import Organization, Person, Provenance
from rekisteri.testing.fixtures import make_staff

pytestmark = pytest.mark.django_db

GOOD = "etunimi;sukunimi;sähköposti\nAino;Tuonti;aino@tuonti.fi\nBo;Import;bo@tuonti.fi\n"
BAD = "etunimi;sukunimi;sähköposti\nAino;Tuonti;aino@tuonti.fi\nBo;;bo@@tuonti\n"


@pytest.fixture(autouse=True)
def _home(settings: Any, tmp_path: Path) -> Path:
    settings.HOME = tmp_path
    return tmp_path


def uploads(home: Path) -> list[Path]:
    folder = home / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def upload(client: Client, text: str | bytes, name: str = "list.csv", **data: str) -> Any:
    body = text.encode() if isinstance(text, str) else text
    form = {"kind": "persons", "file": SimpleUploadedFile(name, body), **data}
    return client.post(reverse("imports:upload"), form)


def test_preview_writes_nothing_then_confirm_imports_with_provenance_and_audit(
    staff: dict[str, Any], _home: Path
) -> None:
    client = client_for(staff["sales"])
    response = upload(client, GOOD, source_name="Messulista 2025")
    page = response.content.decode()
    assert response.status_code == 200
    assert "What the import would do" in page
    assert 'id="count-created">2<' in page
    assert not Person.objects.exists()
    assert len(uploads(_home)) == 1
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()

    token = client.session["rekisteri.import"]["token"]
    response = client.post(reverse("imports:confirm"), {"token": token}, follow=True)
    assert "list.csv imported: 2 created" in response.content.decode()
    assert set(Person.objects.values_list("last_name", flat=True)) == {"Tuonti", "Import"}
    provenance = Provenance.objects.filter(record__startswith="register.Person:")
    assert {p.source_name for p in provenance} == {"Messulista 2025"}
    assert {p.recorded_by for p in provenance} == {"sales"}
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.actor == "sales" and len(event.person_ids) == 2
    assert uploads(_home) == []  # the file is gone after the import


def test_errors_name_row_and_column_in_the_users_language_and_keep_nothing(
    staff: dict[str, Any], _home: Path
) -> None:
    client = client_for(staff["sales"], "fi")
    response = upload(client, BAD)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Rivi 3, sarake sukunimi: " in page
    assert "Rivi 3, sarake sähköposti: " in page
    assert "is required" not in page and "last_name" not in page
    assert "Vahvista tuonti" not in page  # nothing to confirm
    assert not Person.objects.exists()
    assert uploads(_home) == []
    assert "rekisteri.import" not in client.session


def test_duplicates_are_shown_in_the_preview(staff: dict[str, Any], make_person: Any) -> None:
    make_person(first_name="Aino", last_name="Vanha", email="aino@tuonti.fi")
    text = GOOD + "Bea;Kopio;BO@tuonti.fi\n"
    page = upload(client_for(staff["sales"]), text).content.decode()
    assert "Row 2: a person with this email address is already in the register; skipped." in page
    assert "Row 4: the same email address as row 3; skipped." in page
    assert 'id="count-created">1<' in page and 'id="count-skipped">2<' in page


def test_an_unknown_column_is_named_without_codes(staff: dict[str, Any]) -> None:
    page = upload(client_for(staff["sales"]), "sukunimi;kengännumero\nA;42\n").content.decode()
    assert "Row 1, column B (kengännumero): this column is not known." in page
    assert "known columns for persons" not in page


def test_xlsx_organisations_preview_counts_updates_and_merges(
    staff: dict[str, Any], fi_controller: Any
) -> None:
    Organization.objects.create(
        controller=fi_controller, name="Vanha Oy", business_id="0737546-2", country="FI"
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Nimi", "Y-tunnus", "Verkkosivut", "Suhde"])
    sheet.append(["Vanha Oy", "0737546-2", "vanha.fi", "asiakas"])
    sheet.append(["Uusi Oy", "1572860-0", "", ""])
    sheet.append(["Uusi Oy", "1572860-0", "uusi.fi", ""])
    out = io.BytesIO()
    book.save(out)
    response = upload(
        client_for(staff["sales"]), out.getvalue(), "yritykset.xlsx", kind="organizations"
    )
    page = response.content.decode()
    assert response.status_code == 200, page
    assert 'id="count-created">1<' in page and 'id="count-updated">1<' in page
    assert 'id="count-merged">1<' in page
    assert "Filled in: website. Relationships added: customer." in page
    assert Organization.objects.count() == 1


def test_cancel_deletes_the_file_and_imports_nothing(staff: dict[str, Any], _home: Path) -> None:
    client = client_for(staff["sales"])
    upload(client, GOOD)
    token = client.session["rekisteri.import"]["token"]
    response = client.post(reverse("imports:cancel"), follow=True)
    assert "The import was cancelled" in response.content.decode()
    assert uploads(_home) == []
    response = client.post(reverse("imports:confirm"), {"token": token}, follow=True)
    assert "There is no import waiting" in response.content.decode()
    assert not Person.objects.exists()


def test_an_old_upload_is_deleted_and_cannot_be_confirmed(
    staff: dict[str, Any], _home: Path
) -> None:
    import os
    import time

    client = client_for(staff["sales"])
    upload(client, GOOD)
    (path,) = uploads(_home)
    old = time.time() - 3600
    os.utime(path, (old, old))
    token = client.session["rekisteri.import"]["token"]
    response = client.post(reverse("imports:confirm"), {"token": token})
    assert "no longer kept" in response.content.decode()
    assert uploads(_home) == [] and not Person.objects.exists()


def test_only_a_csv_or_xlsx_is_taken(staff: dict[str, Any], _home: Path) -> None:
    response = upload(client_for(staff["sales"]), "x", "list.xls")
    assert response.status_code == 400
    assert "Choose a CSV or XLSX file" in response.content.decode()
    assert uploads(_home) == []


def test_the_import_goes_to_the_users_own_group_company(
    staff: dict[str, Any], se_controller: Any
) -> None:
    response = upload(client_for(staff["sales"]), GOOD, controller=str(se_controller.pk))
    assert response.status_code == 400
    assert "Choose the group company" in response.content.decode()
    assert not Person.objects.exists()


def test_roles_without_the_import_capability_are_refused(staff: dict[str, Any]) -> None:
    response = upload(client_for(staff["marketing"]), GOOD)
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_the_menu_offers_import_to_those_who_may_import(
    staff: dict[str, Any], fi_controller: Any
) -> None:
    url = reverse("imports:upload")
    assert url in client_for(staff["sales"]).get(reverse("staff:home")).content.decode()
    other = make_staff("m2", ["marketing"], [fi_controller])
    assert url not in client_for(other).get(reverse("staff:home")).content.decode()


def test_preview_is_in_swedish_for_a_swedish_user(staff: dict[str, Any], make_person: Any) -> None:
    make_person(first_name="Aino", last_name="Vanha", email="aino@tuonti.fi")
    page = upload(client_for(staff["sales"], "sv"), GOOD).content.decode()
    assert "Vad importen skulle göra" in page
    assert "Rad 2: en person med denna e-postadress finns redan i registret" in page
    assert "; skipped" not in page and "What the import would do" not in page
