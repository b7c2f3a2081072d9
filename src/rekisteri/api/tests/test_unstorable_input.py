"""Strings that cannot be stored, and bodies too large, get the API's JSON answers (issue 14
items 8 and 9): NUL or a lone surrogate anywhere in a body, a query or a form is a 422 naming
the field (api/parsing.py, one place for every operation); a body over the size limit is a
JSON 413. On PostgreSQL a NUL used to reach the database and answer an HTML 500."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from rekisteri.api.parsing import MESSAGE
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.interactions.models import CallRecording, Communication

pytestmark = pytest.mark.django_db


def test_nul_in_a_free_text_field_of_a_body_is_a_422_naming_it(staff, make_person) -> None:
    person = make_person()
    response = ApiClient(staff["sales"]).post(
        "/interactions/",
        {
            "kind": "communication",
            "person_id": person.pk,
            "data": {
                "occurred_at": "2026-03-01T10:00",
                "channel": "meeting",
                "subject": "Review",
                "body": "before\u0000after",
            },
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"errors": {"data.body": MESSAGE}}
    assert not Communication.objects.exists()


def test_nul_in_a_name_and_a_lone_surrogate_are_refused_too(staff) -> None:
    api = ApiClient(staff["sales"])
    response = api.post("/persons", {"first_name": "Ma\u0000ija", "last_name": "Virtanen"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"first_name": MESSAGE}}
    # json.dumps writes a lone surrogate as the escape "\ud800", as a client would.
    response = api.client.post(
        "/api/v1/persons",
        json.dumps({"first_name": "Maija", "last_name": "Virta\ud800nen"}),
        content_type="application/json",
        headers=api._headers(),
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"last_name": MESSAGE}}


def test_nul_in_a_query_is_a_422_naming_it(staff, make_person) -> None:
    make_person()
    response = ApiClient(staff["sales"]).get("/organizations", {"q": "Oy\u0000"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"q": MESSAGE}}


def test_without_a_token_the_answer_is_still_401(make_person) -> None:
    response = ApiClient().post("/persons", {"first_name": "\u0000", "last_name": "x"})
    assert response.status_code == 401


def test_a_body_that_is_not_json_is_still_a_400(staff) -> None:
    api = ApiClient(staff["sales"])
    response = api.client.post(
        "/api/v1/persons", "{not json", content_type="application/json", headers=api._headers()
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_body_over_the_size_limit_is_a_json_413(staff, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = ApiClient(staff["sales"]).post(
        "/persons", {"first_name": "Maija", "last_name": "Virtanen", "title": "x" * 2000}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize(
    ("file_type", "field"),
    [
        ("audio/wav\r\nX-Injected: 1", "file_type"),
        ("audio/wav\u0000", "file_type"),
        ("not a type", "file_type"),
    ],
)
def test_an_upload_whose_type_cannot_be_a_header_is_refused_naming_it(
    staff, make_person, file_type: str, field: str
) -> None:
    person = make_person()
    response = ApiClient(staff["customer_service"]).post(
        "/interactions/",
        {
            "kind": "call",
            "person_id": person.pk,
            "data": {"summary": "Asked for a quote", "duration_seconds": 95},
            "file_base64": base64.b64encode(b"audio").decode(),
            "file_type": file_type,
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert not CallRecording.objects.exists()


def test_a_file_stored_with_a_broken_type_still_downloads(staff, make_person) -> None:
    from rekisteri.interactions.files import file_store

    person = make_person()
    stored = file_store(data=b"audio", content_type="audio/wav\r\nX-Injected: 1", suffix="wav")
    call = CallRecording.objects.create(
        controller=person.controller, person=person, occurred_at="2026-03-01T10:00Z", audio=stored
    )
    client = Client()
    client.force_login(staff["customer_service"])
    response = client.get(f"/staff/interactions/file/call/{call.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert "X-Injected" not in str(response.headers)
