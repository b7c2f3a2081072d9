"""The DPO's pages: only the DPO, deadlines shown, every action through the services."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from rekisteri.rights import services
from rekisteri.rights.models import RightsRequest

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)


def test_only_the_dpo_sees_the_queue(client, staff, outsider):
    assert client.get(reverse("rights:queue")).status_code == 302
    for role in ("sales", "marketing", "admin"):
        _login(client, staff[role])
        assert client.get(reverse("rights:queue")).status_code == 403
    _login(client, staff["dpo"])
    assert client.get(reverse("rights:queue")).status_code == 200


def test_queue_warns_about_overdue_requests(client, staff, actor, dpo):
    late, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="access",
        channel="letter",
        received_at=datetime(2024, 1, 5, tzinfo=ZoneInfo("Europe/Helsinki")),
    )
    _login(client, staff["dpo"])
    html = client.get(reverse("rights:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert late.reference in html
    assert "overdue" in html


def test_dpo_records_a_letter_and_handles_it(client, staff, make_person):
    person = make_person(email="kirje@example.fi")
    _login(client, staff["dpo"])
    resp = client.post(
        reverse("rights:request_new"),
        {
            "kind": "restriction",
            "channel": "letter",
            "language": "fi",
            "requester_name": "Kirjoittaja",
            "person_ids": str(person.pk),
            "verification_method": "signed_letter",
        },
    )
    r = RightsRequest.objects.get()
    assert resp.status_code == 302
    detail = client.get(reverse("rights:request_detail", args=[r.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "signed letter" in detail.content.decode()
    client.post(
        reverse("rights:request_action", args=[r.pk, "fulfil"]),
        {"restriction_ground": "accuracy contested (Art. 18(1)(a))"},
    )
    r.refresh_from_db()
    person.refresh_from_db()
    assert r.status == "completed"
    assert person.restricted_since is not None
    client.post(reverse("rights:restriction_lift", args=[person.pk]))
    person.refresh_from_db()
    assert person.restricted_since is None


def test_extension_after_the_first_month_is_refused_on_the_page(client, staff, actor, dpo):
    r, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="access",
        channel="phone",
        received_at=datetime(2024, 1, 5, tzinfo=ZoneInfo("Europe/Helsinki")),
    )
    _login(client, staff["dpo"])
    resp = client.post(
        reverse("rights:request_action", args=[r.pk, "extend"]),
        {"months": "2", "reason": "complex", "notified_via": "phone"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "first month" in resp.content.decode()
    r.refresh_from_db()
    assert r.extended_due_date is None


def test_erasure_page_shows_the_plan_and_erases(client, staff, make_person, actor, dpo):
    person = make_person(email="poisto@example.fi")
    r, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="erasure",
        channel="email",
        requester_email="poisto@example.fi",
        person_ids=[person.pk],
        verification_method="known_email",
    )
    _login(client, staff["dpo"])
    html = client.get(reverse("rights:request_detail", args=[r.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Erasure plan" in html.content.decode()
    fp = html.context["fingerprints"]
    client.post(reverse("rights:request_action", args=[r.pk, "fulfil"]), {"plan_fingerprints": fp})
    r.refresh_from_db()
    assert r.status == "completed"
    assert r.requester_email == ""  # minimised
    from rekisteri.register.models import Person

    assert not Person.objects.filter(pk=person.pk).exists()


def test_erasure_page_of_a_person_with_disclosures_names_the_recipients(
    client, staff, make_person, actor, dpo
):
    """Art. 19: the plan lists whom to tell, by the recipient's name (it answered 500)."""
    from rekisteri.disclosures.services import disclosure_record

    person = make_person(email="luovutettu@example.fi")
    disclosure_record(
        scope=dpo,
        actor=actor,
        person_ids=[person.pk],
        recipient_code="tax_authority",
        categories=["basic"],
        basis="legal_obligation",
        reason="tax audit request",
    )
    r, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="erasure",
        channel="email",
        requester_email="luovutettu@example.fi",
        person_ids=[person.pk],
        verification_method="known_email",
    )
    _login(client, staff["dpo"])
    page = client.get(reverse("rights:request_detail", args=[r.pk]), HTTP_ACCEPT_LANGUAGE="fi")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Verohallinto" in html
    assert "tax_authority" not in html
