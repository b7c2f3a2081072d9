"""A person's and an organisation's page show their screening status and open hits with a
link to the review, only to a user the gate lets through to the review; everyone else sees
no trace of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rekisteri.access.selectors import system_scope
from rekisteri.register.services import organization_create
from rekisteri.screening.models import HitStatus, OrganisationHit, PersonHit
from rekisteri.screening.tests.conftest import COMPANY, PERSON

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_hit(load: Any, work: Any, make_person: Any) -> PersonHit:
    load()
    person = make_person(**PERSON)
    work()
    return PersonHit.objects.get(person=person)


def _page(client: Any, user: Any, url: str) -> str:
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_compliance_sees_the_open_hit_on_the_person_page_with_a_link_to_review(
    client: Any, staff: Any, person_hit: PersonHit
) -> None:
    page = _page(
        client, staff["compliance"], reverse("register:person_detail", args=[person_hit.person_id])
    )
    assert "Sanctions and PEP screening" in page
    assert "1 possible match waits for a decision." in page
    assert reverse("screening:hit", args=["person", person_hit.pk]) in page
    assert "Veikko Ilmari Tarvaskoski" in page  # the name on the list, with why
    assert "Birth date" in page


@pytest.mark.parametrize("role", ["sales", "customer_service", "marketing", "finance"])
def test_others_see_nothing_of_the_screening(
    client: Any, staff: Any, person_hit: PersonHit, role: str
) -> None:
    page = _page(
        client, staff[role], reverse("register:person_detail", args=[person_hit.person_id])
    )
    assert "Sanctions and PEP screening" not in page
    assert reverse("screening:hit", args=["person", person_hit.pk]) not in page
    assert "Veikko Ilmari Tarvaskoski" not in page


def test_a_decided_match_and_a_clean_person_read_as_such(
    client: Any, staff: Any, person_hit: PersonHit, make_person: Any
) -> None:
    PersonHit.objects.filter(pk=person_hit.pk).update(status=HitStatus.MATCH)
    page = _page(
        client, staff["compliance"], reverse("register:person_detail", args=[person_hit.person_id])
    )
    assert "On a list: 1 confirmed match." in page
    clean = make_person(first_name="Maija", last_name="Virtanen")
    page = client.get(
        reverse("register:person_detail", args=[clean.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No open hits against the loaded lists." in page


def test_the_organisation_page_shows_its_hit_to_compliance_only(
    client: Any, staff: Any, fi_controller: Any, load: Any, work: Any, actor: Any
) -> None:
    load()
    org = organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": COMPANY["caption"], "country": "CY"},
        scope=system_scope("test"),
    )
    work()
    hit = OrganisationHit.objects.get(organization=org)
    url = reverse("register:organization_detail", args=[org.pk])
    review = reverse("screening:hit", args=["organisation", hit.pk])
    assert review in _page(client, staff["compliance"], url)
    assert review not in _page(client, staff["sales"], url)


def test_without_a_list_the_page_says_nothing_was_screened(
    client: Any, staff: Any, make_person: Any
) -> None:
    person = make_person()
    page = _page(client, staff["compliance"], reverse("register:person_detail", args=[person.pk]))
    assert "Not screened: no sanctions or PEP list is loaded." in page
