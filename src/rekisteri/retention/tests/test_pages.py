"""Retention pages: the sweep's status, legal holds, and the review of what may be outdated."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.interactions.models import ChatTranscript
from rekisteri.register.models import Affiliation, ContactPoint, OrganizationRelationship
from rekisteri.register.services import organization_create
from rekisteri.retention.models import LegalHold
from rekisteri.retention.review import review_list
from rekisteri.retention.tests.sweeping import place_hold, sweep

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dpo_sees_when_the_sweep_last_ran_and_what_it_removed(staff, make_person):
    person = make_person()
    ChatTranscript.objects.create(
        controller=person.controller,
        person=person,
        occurred_at=timezone.now() - timedelta(days=200),
        transcript="old",
    )
    sweep()
    client = login(staff["dpo"])
    html = client.get("/staff/retention/", headers={"accept-language": "en"}).content.decode()
    # The rule by its data category and its own words, never its code.
    assert (
        "<td>Chat transcripts</td><td>Customer service chat transcripts: 3 months.</td><td>1</td>"
        in html
    )
    assert "chat-3-months" not in html
    assert "1 records removed" in html


def test_sales_user_may_not_see_the_retention_status(staff):
    assert login(staff["sales"]).get("/staff/retention/").status_code == 403


def test_dpo_places_a_legal_hold_on_a_person_and_releases_it(staff, make_person):
    person = make_person()
    client = login(staff["dpo"])
    response = client.post(
        "/staff/retention/holds/", {"target": f"person:{person.pk}", "reason": "Dispute 12/2026"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(person=person)
    assert hold.created_by == "dpo"
    client.post(f"/staff/retention/holds/{hold.pk}/release/")
    hold.refresh_from_db()
    assert hold.released_at is not None


def _old(cp: ContactPoint, years: int = 3) -> None:
    ContactPoint.objects.filter(pk=cp.pk).update(
        created_at=timezone.now() - timedelta(days=365 * years), verified_at=None
    )


def test_contact_detail_unconfirmed_for_two_years_is_listed_and_confirming_it_is_audited(
    staff, make_person
):
    person = make_person(email="old.address@example.fi")
    cp = ContactPoint.objects.get(person=person, kind="email")
    _old(cp)
    client = login(staff["customer_service"])
    assert "old.address@example.fi" in client.get("/staff/retention/review/").content.decode()
    client.post(
        "/staff/retention/review/decide/",
        {
            "kind": "contact_point",
            "id": cp.pk,
            "decision": "confirmed",
            "rule": "contact-unconfirmed-2-years",
        },
    )
    cp.refresh_from_db()
    assert cp.verified_at is not None
    assert "old.address@example.fi" not in client.get("/staff/retention/review/").content.decode()
    event = AuditEvent.objects.filter(record=f"register.ContactPoint:{cp.pk}").last()
    assert event.action == AuditAction.UPDATE and event.detail["decision"] == "confirmed"
    assert "old.address" not in str(event.detail) + event.reason


def test_review_corrects_or_deletes_a_contact_detail(staff, make_person):
    person = make_person(email="wrong@example.fi", phone="+358401112223")
    email = ContactPoint.objects.get(person=person, kind="email")
    phone = ContactPoint.objects.get(person=person, kind="phone")
    _old(email)
    _old(phone)
    client = login(staff["sales"])
    client.post(
        "/staff/retention/review/decide/",
        {
            "kind": "contact_point",
            "id": email.pk,
            "decision": "corrected",
            "value": "Right@Example.fi",
            "rule": "contact-unconfirmed-2-years",
        },
    )
    email.refresh_from_db()
    assert email.value == "right@example.fi" and email.verified_at is not None
    client.post(
        "/staff/retention/review/decide/",
        {
            "kind": "contact_point",
            "id": phone.pk,
            "decision": "deleted",
            "rule": "contact-unconfirmed-2-years",
        },
    )
    assert not ContactPoint.objects.filter(pk=phone.pk).exists()
    assert AuditEvent.objects.filter(
        record=f"register.ContactPoint:{phone.pk}", action=AuditAction.DELETE
    ).exists()


def test_contact_person_of_an_ended_relationship_is_listed_for_review(
    staff, make_person, actor, fi_controller
):
    from rekisteri.access.selectors import scope_for

    org = organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": "Old Customer Oy"},
        scope=system_scope("test"),
    )
    OrganizationRelationship.objects.create(
        organization=org, kind="customer", start=date(2019, 1, 1), end=date(2024, 12, 31)
    )
    person = make_person()
    Affiliation.objects.create(person=person, organization=org, is_contact_person=True)
    items = review_list(scope=scope_for(staff["sales"]))
    assert [(i.rule, i.person_id) for i in items if i.kind == "affiliation"] == [
        ("contact-of-ended-relationship", person.pk)
    ]
    assert datetime  # imported for readers of the fixture data


def test_dpo_cannot_release_another_group_companys_legal_hold(staff, make_person, se_controller):
    """Issue 12: dpo.fi released a Swedish company's hold. Now it is 404 to them, as if it did
    not exist, is not listed, and stays in force."""
    swedish = make_person(controller=se_controller)
    hold = place_hold(person=swedish, reason="Tvist 3/2026")
    client = login(staff["dpo"])
    assert "Tvist" not in client.get("/staff/retention/holds/").content.decode()
    response = client.post(f"/staff/retention/holds/{hold.pk}/release/")
    assert response.status_code == 404
    hold.refresh_from_db()
    assert hold.released_at is None
    assert not AuditEvent.objects.filter(
        record=f"retention.LegalHold:{hold.pk}", reason="legal hold released"
    ).exists()


def test_dpo_cannot_place_a_hold_on_another_group_companys_person_or_record(
    staff, make_person, se_controller
):
    swedish = make_person(controller=se_controller)
    chat = ChatTranscript.objects.create(
        controller=se_controller, person=swedish, occurred_at=timezone.now(), transcript="Hej"
    )
    client = login(staff["dpo"])
    for target in (f"person:{swedish.pk}", f"record:interactions.ChatTranscript:{chat.pk}"):
        response = client.post(
            "/staff/retention/holds/",
            {"target": target, "reason": "claim"},
            headers={"accept-language": "en"},
        )
        assert response.status_code == 422
        assert "no such record in the register of your group company" in response.content.decode()
    assert not LegalHold.objects.exists()
