"""Interactions reached only through scoped selectors (issue 12's reproductions).

- Another group company's organisation does not exist for the user: its timeline page, the
  API's `?organization_id=` filter and its attachments are 404, not its interactions.
- A person another group company shares under one purpose shows only that purpose's
  categories: no invoices, event registrations or web visits on the timeline or the API.

The data is made with the ORM, not the services, so that the tests say the same thing about
any version of the services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.access.models import GroupShare
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.interactions.files import file_store
from rekisteri.interactions.models import (
    ChatTranscript,
    Communication,
    Event,
    EventRegistration,
    Invoice,
    WebVisit,
)
from rekisteri.register.models import Organization
from rekisteri.testing.fixtures import make_staff

pytestmark = pytest.mark.django_db

IP = "198.51.100.23"


@pytest.fixture
def files_dir(settings: Any, tmp_path: Any) -> Any:
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


@pytest.fixture
def fi_org(fi_controller: Any) -> Organization:
    return Organization.objects.create(
        controller=fi_controller, name="Asiakas Oy", business_id="0737546-2"
    )


@pytest.fixture
def fi_dealings(fi_org: Organization, make_person: Any, files_dir: Any) -> dict[str, Any]:
    """An FI customer's contact person with what the FI company did with them."""
    person = make_person(last_name="Suomalainen")
    letter = Communication.objects.create(
        controller=person.controller,
        person=person,
        organization=fi_org,
        channel="letter_in",
        subject="Tarjouspyyntö",
        attachment=file_store(data=b"%PDF-1.4 tarjous", content_type="application/pdf"),
    )
    chat = ChatTranscript.objects.create(
        controller=person.controller, person=person, organization=fi_org, transcript="Hei"
    )
    # A contract sent to the organisation itself, with no contact person on it.
    contract = Communication.objects.create(
        controller=fi_org.controller,
        organization=fi_org,
        channel="letter_out",
        subject="Sopimus",
        attachment=file_store(data=b"%PDF-1.4 sopimus", content_type="application/pdf"),
    )
    return {"person": person, "letter": letter, "chat": chat, "contract": contract}


def _page(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_another_companys_organisation_timeline_is_404_in_the_api(
    outsider: Any, fi_org: Organization, fi_dealings: dict[str, Any]
) -> None:
    # sales of the SE company asks for the FI organisation's interactions
    response = ApiClient(outsider).get("/interactions/", {"organization_id": fi_org.pk})
    assert response.status_code == 404
    assert "Tarjouspyyntö" not in response.content.decode()
    assert ApiClient(outsider).get(f"/organizations/{fi_org.pk}").status_code == 404


def test_another_companys_organisation_timeline_page_is_404(
    outsider: Any, fi_org: Organization, fi_dealings: dict[str, Any]
) -> None:
    url = reverse("interactions:organization_timeline", args=[fi_org.pk])
    response = _page(outsider).get(url)
    assert response.status_code == 404
    assert "Tarjouspyyntö" not in response.content.decode()
    for name in ("register:organization_detail", "register:organization_edit"):
        assert _page(outsider).get(reverse(name, args=[fi_org.pk])).status_code == 404


@pytest.mark.parametrize(
    ("row", "content"), [("letter", b"%PDF-1.4 tarjous"), ("contract", b"%PDF-1.4 sopimus")]
)
def test_another_companys_attachment_is_404(
    outsider: Any, staff: dict[str, Any], fi_dealings: dict[str, Any], row: str, content: bytes
) -> None:
    # A contact person's letter, and the organisation's own contract (no person on it).
    url = reverse("interactions:file", args=["communication", fi_dealings[row].pk])
    assert _page(outsider).get(url).status_code == 404
    own = _page(staff["sales"]).get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == content


def test_the_organisation_timeline_shows_only_the_users_own_companys_dealings(
    staff: dict[str, Any], fi_org: Organization, fi_dealings: dict[str, Any], se_controller: Any
) -> None:
    # A row of another company pointing at our organisation (imported wrongly, say) stays
    # that company's.
    Communication.objects.create(
        controller=se_controller, organization=fi_org, channel="note", subject="Svensk anteckning"
    )
    items = ApiClient(staff["sales"]).get("/interactions/", {"organization_id": fi_org.pk}).json()
    subjects = {i["fields"].get("subject") for i in items}
    assert "Tarjouspyyntö" in subjects
    assert "Svensk anteckning" not in subjects


def test_a_file_outside_the_users_purposes_is_404(
    staff: dict[str, Any], fi_dealings: dict[str, Any]
) -> None:
    # Marketing's purposes do not cover correspondence: the letter does not exist for them.
    url = reverse("interactions:file", args=["communication", fi_dealings["letter"].pk])
    assert _page(staff["marketing"]).get(url).status_code == 404


@pytest.fixture
def shared_customer(make_person: Any, fi_controller: Any, se_controller: Any) -> Any:
    """An SE customer shared with the FI company under customer management, with an invoice,
    an event registration, a web visit and a letter."""
    person = make_person(controller=se_controller, last_name="Delad", email="delad@example.se")
    GroupShare.objects.create(
        person=person,
        controller=fi_controller,
        purpose="customer_management",
        shared_by="test",
        shared_at=timezone.now(),
    )
    when = timezone.now() - dt.timedelta(days=3)
    Invoice.objects.create(
        controller=se_controller,
        person=person,
        number="F-77",
        billing_year=2026,
        amount=Decimal("990.00"),
        recipient_name="Stina Delad",
        occurred_at=when,
    )
    event = Event.objects.create(controller=se_controller, name="Kundträff", starts_at=when)
    EventRegistration.objects.create(
        controller=se_controller, person=person, event=event, notes="vegetarian", occurred_at=when
    )
    WebVisit.objects.create(
        controller=se_controller, person=person, ip_address=IP, page="/pris", occurred_at=when
    )
    Communication.objects.create(
        controller=se_controller, person=person, channel="email_in", subject="Fråga om avtal"
    )
    return person


def test_a_shared_person_shows_only_the_shared_purposes_interactions(
    fi_controller: Any, shared_customer: Any
) -> None:
    # FI staff who keep customers, buy, invoice and market: the share is for customer
    # management, so billing, events and web visits of the SE customer are not theirs.
    user = make_staff("fi-many", ["sales", "finance", "marketing"], [fi_controller])
    page = _page(user).get(reverse("interactions:person_timeline", args=[shared_customer.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fråga om avtal" in html
    for leaked in ("F-77", "990", "Kundträff", "vegetarian", IP, "/pris"):
        assert leaked not in html, leaked

    items = ApiClient(user).get("/interactions/", {"person_id": shared_customer.pk}).json()
    assert {i["kind"] for i in items} == {"communication"}


def test_a_sales_user_of_the_other_company_sees_no_billing_or_events_of_a_shared_person(
    fi_controller: Any, shared_customer: Any
) -> None:
    sales = make_staff("fi-sales", ["sales"], [fi_controller])
    items = ApiClient(sales).get("/interactions/", {"person_id": shared_customer.pk}).json()
    assert {i["kind"] for i in items} == {"communication"}
    html = _page(sales).get(reverse("register:person_detail", args=[shared_customer.pk]))
    # The person page names no invoice or event either (those are not the share's).
    assert "F-77" not in html.content.decode() and "Kundträff" not in html.content.decode()


def test_recording_an_interaction_for_a_shared_person_is_refused(
    fi_controller: Any, shared_customer: Any
) -> None:
    sales = make_staff("fi-sales", ["sales"], [fi_controller])
    url = reverse("interactions:create", args=[shared_customer.pk])
    assert _page(sales).get(url).status_code in (403, 404)
    response = ApiClient(sales).post(
        "/interactions/",
        {
            "kind": "communication",
            "person_id": shared_customer.pk,
            "data": {"channel": "note", "subject": "Ny"},
        },
    )
    assert response.status_code in (403, 404)
    assert not Communication.objects.filter(subject="Ny").exists()


def test_the_timeline_shows_no_ip_address_to_a_user_without_the_web_visits_category(
    staff: dict[str, Any], make_person: Any
) -> None:
    person = make_person()
    WebVisit.objects.create(
        controller=person.controller, person=person, ip_address=IP, page="/hinnasto"
    )
    html = _page(staff["sales"]).get(reverse("interactions:person_timeline", args=[person.pk]))
    assert html.status_code == 200 and IP not in html.content.decode()
    # The marketing role's purposes cover web visits: they see the visit and its address.
    html = _page(staff["marketing"]).get(reverse("interactions:person_timeline", args=[person.pk]))
    assert IP in html.content.decode()
