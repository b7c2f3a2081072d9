"""Interactions: who sees what on a timeline, the API, the CSV import and stored files."""

from __future__ import annotations

import base64
import hashlib
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rekisteri.access.selectors import system_scope
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.common.personal import mapped_fields
from rekisteri.interactions.files import file_path, file_read
from rekisteri.interactions.models import (
    RETAINED_MODELS,
    CallRecording,
    ChatTranscript,
    Communication,
    Invoice,
)
from rekisteri.interactions.services import Upload, interaction_create
from rekisteri.register.services import organization_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Any) -> Any:
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_retained_models_personal_fields_are_of_its_own_category():
    for model in RETAINED_MODELS:
        cats = {m.category for m in mapped_fields(model)}
        assert cats <= {model.retention_category}, model


def test_a_chat_and_an_invoice_of_one_person_each_carry_their_own_category(make_person, actor):
    person = make_person()
    chat = interaction_create(
        actor=actor,
        kind="chat",
        person=person,
        data={"transcript": "Hi"},
        scope=system_scope("test"),
    )
    inv = interaction_create(
        actor=actor,
        kind="invoice",
        person=person,
        data={"number": "1001", "billing_year": "2025", "amount": "120.50"},
        scope=system_scope("test"),
    )
    assert isinstance(chat, ChatTranscript) and isinstance(inv, Invoice)
    assert inv.amount == Decimal("120.50")
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, record=f"interactions.Invoice:{inv.pk}", categories=["billing"]
    ).exists()


def test_call_recording_audio_is_stored_on_disk_with_its_checksum_not_in_the_database(
    make_person, actor, files_dir
):
    person = make_person()
    audio = b"RIFF....WAVEfmt fake"
    call = interaction_create(
        actor=actor,
        kind="call",
        person=person,
        data={"summary": "Billing question", "phone_number": "+358401234567"},
        upload=Upload(data=audio, content_type="audio/wav", suffix="wav"),
        scope=system_scope("test"),
    )
    stored = CallRecording.objects.get(pk=call.pk).audio
    assert stored.sha256 == hashlib.sha256(audio).hexdigest() and stored.size == len(audio)
    assert file_path(stored).read_bytes() == audio
    assert str(files_dir) in str(file_path(stored))
    assert person.last_name not in stored.path
    assert file_read(stored) == audio


def test_finance_user_sees_invoices_but_not_chats_on_the_timeline_and_the_view_is_audited(
    staff, make_person, actor
):
    person = make_person()
    interaction_create(
        actor=actor,
        kind="chat",
        person=person,
        data={"transcript": "secret chat"},
        scope=system_scope("test"),
    )
    interaction_create(
        actor=actor,
        kind="invoice",
        person=person,
        data={"number": "INV-77", "billing_year": "2025", "amount": "10"},
        scope=system_scope("test"),
    )
    page = login(staff["finance"]).get(f"/staff/interactions/person/{person.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "INV-77" in html and "secret chat" not in html
    event = AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.VIEW).last()
    assert event.actor == "finance" and event.categories == ["billing"]

    html = login(staff["customer_service"]).get(f"/staff/interactions/person/{person.pk}/")
    assert "secret chat" in html.content.decode() and "INV-77" not in html.content.decode()


def test_other_group_companys_user_gets_404_for_the_timeline(outsider, make_person):
    person = make_person()
    assert login(outsider).get(f"/staff/interactions/person/{person.pk}/").status_code == 404


def test_organization_timeline_lists_its_interactions(staff, make_person, actor, fi_controller):
    org = organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": "Acme Oy", "business_id": "0737546-2"},
        scope=system_scope("test"),
    )
    person = make_person()
    interaction_create(
        actor=actor,
        kind="communication",
        person=person,
        organization=org,
        data={"channel": "meeting", "subject": "Kick-off meeting"},
        scope=system_scope("test"),
    )
    page = login(staff["sales"]).get(f"/staff/interactions/organization/{org.pk}/")
    assert page.status_code == 200 and "Kick-off meeting" in page.content.decode()


def test_staff_records_a_meeting_through_the_form(staff, make_person):
    person = make_person()
    client = login(staff["sales"])
    response = client.post(
        f"/staff/interactions/person/{person.pk}/new/?kind=communication",
        {
            "kind": "communication",
            "occurred_at": "2026-03-01T10:00",
            "channel": "meeting",
            "subject": "Annual review",
            "body": "",
            "counterpart": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Communication.objects.filter(person=person, subject="Annual review").exists()


def test_api_creates_and_lists_interactions(staff, make_person):
    person = make_person()
    api = ApiClient(staff["customer_service"])
    response = api.post(
        "/interactions/",
        {
            "kind": "call",
            "person_id": person.pk,
            "data": {"summary": "Asked for a quote", "duration_seconds": 95},
            "file_base64": base64.b64encode(b"audio").decode(),
            "file_type": "audio/wav",
        },
    )
    assert response.status_code == 201, response.json()
    listed = api.get("/interactions/", {"person_id": person.pk}).json()
    assert listed[0]["kind"] == "call" and listed[0]["has_file"] is True
    assert listed[0]["fields"]["summary"] == "Asked for a quote"


def test_api_refuses_a_kind_outside_the_users_purposes_and_names_bad_fields(staff, make_person):
    person = make_person()
    # Finance's purposes do not cover chat transcripts: for finance the person has none, and
    # records none (404, as for any object outside the user's purposes).
    response = ApiClient(staff["finance"]).post(
        "/interactions/", {"kind": "chat", "person_id": person.pk, "data": {"transcript": "x"}}
    )
    assert response.status_code == 404
    assert not ChatTranscript.objects.filter(person=person).exists()
    response = ApiClient(staff["finance"]).post(
        "/interactions/",
        {"kind": "invoice", "person_id": person.pk, "data": {"number": "1", "amount": "lots"}},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "amount": "is not a number like 120.50",
        "billing_year": "is required",
    }


CSV_OK = """kind,person_email,occurred_at,subject,transcript,number,billing_year,amount,channel
communication,{email},2026-01-10T09:00,Offer sent,,,,,email_out
chat,{email},2026-01-11T10:00,,Hello from the chat,,,,
invoice,{email},2026-01-12,,,A-1,2026,99.90,
"""


def _write(tmp_path: Any, text: str) -> str:
    path = tmp_path / "interactions.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_creates_all_rows_and_audits_them(make_person, tmp_path, capsys):
    person = make_person(email="liisa@example.fi")
    call_command(
        "interactions", "import", _write(tmp_path, CSV_OK.format(email="liisa@example.fi"))
    )
    assert Communication.objects.filter(person=person, subject="Offer sent").count() == 1
    assert ChatTranscript.objects.filter(person=person).count() == 1
    assert Invoice.objects.get(person=person).billing_year == 2026
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, person_ids=[person.pk]).exists()
    assert "3 rows" in capsys.readouterr().out


def test_import_with_one_bad_row_writes_nothing_and_names_row_and_column(make_person, tmp_path):
    make_person(email="liisa@example.fi")
    text = CSV_OK.format(email="liisa@example.fi") + (
        "invoice,liisa@example.fi,2026-01-13,,,A-2,twenty,10,\n"
        "chat,nobody@example.fi,2026-01-13,,hi,,,,\n"
    )
    with pytest.raises(CommandError) as exc:
        call_command("interactions", "import", _write(tmp_path, text))
    message = str(exc.value)
    assert "row 5, column billing_year: is not a whole number" in message
    assert "row 6, column person_email" in message
    assert "twenty" not in message
    assert not Communication.objects.exists() and not Invoice.objects.exists()
