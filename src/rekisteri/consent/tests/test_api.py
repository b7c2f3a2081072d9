"""Consent through the JSON API: the permission with its reasons, and the prohibition."""

from __future__ import annotations

import pytest

from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.consent.selectors import Reason
from rekisteri.consent.suppression import suppression_match

pytestmark = pytest.mark.django_db


def test_marketing_reads_the_permission_by_channel_with_its_reason(staff, make_person):
    person = make_person(email="ostaja@yritys.fi", is_contact_person=True)
    response = ApiClient(staff["marketing"]).get(f"/consent/persons/{person.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["email"]["allowed"] is True
    assert body["email"]["reason_code"] == Reason.ALLOWED_B2B
    assert body["statements"] == []
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, person_id=person.pk, categories=["marketing_preferences"]
    ).exists()


def test_a_prohibition_through_the_api_stops_marketing_at_once_and_is_proven(staff, make_person):
    person = make_person(email="ostaja@yritys.fi", is_contact_person=True)
    client = ApiClient(staff["marketing"])
    response = client.post(
        f"/consent/persons/{person.pk}/objection",
        {"source": "call", "text": "asked on the phone not to be contacted"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == {
        "allowed": False,
        "reason_code": Reason.OBJECTED,
        "reason": body["email"]["reason"],
    }
    assert body["phone"]["allowed"] is False
    assert body["service_messages"]["allowed"] is True  # a contract notice still reaches them
    statement = next(s for s in body["statements"] if s["current"])
    assert (statement["state"], statement["method"]) == ("objected", "call")
    assert suppression_match(email="ostaja@yritys.fi")
    # The same answer on a later read.
    assert client.get(f"/consent/persons/{person.pk}").json()["email"]["allowed"] is False


def test_sales_may_not_use_the_consent_api_and_bad_input_names_the_field(staff, make_person):
    person = make_person()
    refused = ApiClient(staff["sales"]).get(f"/consent/persons/{person.pk}")
    assert refused.status_code == 403
    bad = ApiClient(staff["dpo"]).post(f"/consent/persons/{person.pk}/objection", {"source": "fax"})
    assert bad.status_code == 422
    assert "source" in bad.json()["errors"]
