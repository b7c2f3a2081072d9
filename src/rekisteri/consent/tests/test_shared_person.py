"""A person another group company shares: consents only under a purpose that covers them.

Issue 12: a person shared under customer management showed their marketing preferences on
the consent pages and API, which that purpose does not cover. The data is made with the ORM
so that the tests say the same about any version of the services.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.access.models import GroupShare
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.consent.models import Consent
from rekisteri.testing.fixtures import make_staff

pytestmark = pytest.mark.django_db

PROOF = "Ja, jag vill ha nyhetsbrevet"


def _share(person: Any, controller: Any, purpose: str) -> None:
    GroupShare.objects.create(
        person=person,
        controller=controller,
        purpose=purpose,
        shared_by="test",
        shared_at=timezone.now(),
    )


@pytest.fixture
def se_customer(make_person: Any, se_controller: Any) -> Any:
    """An SE consumer who consented to email marketing (with proof)."""
    person = make_person(
        controller=se_controller, last_name="Delad", email="delad@example.se", is_consumer=True
    )
    Consent.objects.create(
        person=person,
        purpose="direct_marketing",
        channel="email",
        state="granted",
        method="web_form",
        at=timezone.now(),
        text=PROOF,
        ip="192.0.2.44",
        recorded_by="test",
    )
    return person


def _page(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_consents_of_a_person_shared_for_customer_management_do_not_exist_for_the_other_company(
    fi_controller: Any, se_customer: Any
) -> None:
    _share(se_customer, fi_controller, "customer_management")
    # FI staff who keep customers and market: the share does not cover marketing preferences.
    user = make_staff("fi-sales-marketing", ["sales", "marketing"], [fi_controller])
    consents = _page(user).get(reverse("consent:person_consents", args=[se_customer.pk]))
    assert consents.status_code == 404
    assert ApiClient(user).get(f"/consent/persons/{se_customer.pk}").status_code == 404
    # The person page (readable under customer management) shows no marketing permission.
    page = _page(user).get(reverse("register:person_detail", args=[se_customer.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert se_customer.last_name in html
    assert 'id="marketing-permission"' not in html
    assert PROOF not in html
    fragment = _page(user).get(reverse("consent:permission", args=[se_customer.pk]))
    assert 'id="marketing-permission"' not in fragment.content.decode()


def test_a_sales_user_of_the_other_company_sees_no_marketing_permission_of_a_shared_person(
    fi_controller: Any, se_customer: Any
) -> None:
    _share(se_customer, fi_controller, "customer_management")
    sales = make_staff("fi-sales", ["sales"], [fi_controller])
    html = _page(sales).get(reverse("register:person_detail", args=[se_customer.pk]))
    assert html.status_code == 200
    assert 'id="marketing-permission"' not in html.content.decode()


def test_consents_of_a_person_shared_for_marketing_are_readable_but_not_recorded(
    fi_controller: Any, se_customer: Any
) -> None:
    _share(se_customer, fi_controller, "direct_marketing")
    marketing = make_staff("fi-marketing", ["marketing"], [fi_controller])
    page = _page(marketing).get(reverse("consent:person_consents", args=[se_customer.pk]))
    assert page.status_code == 200
    assert PROOF in page.content.decode()
    assert reverse("consent:record", args=[se_customer.pk]) not in page.content.decode()
    before = Consent.objects.count()
    response = _page(marketing).post(
        reverse("consent:record", args=[se_customer.pk]),
        {
            "purpose": "direct_marketing",
            "channel": "email",
            "state": "withdrawn",
            "method": "staff",
        },
    )
    assert response.status_code in (403, 404)
    objection = ApiClient(marketing).post(
        f"/consent/persons/{se_customer.pk}/objection", {"source": "staff", "text": "nej"}
    )
    assert objection.status_code in (403, 404)
    assert Consent.objects.count() == before  # the owning company keeps the record
