"""Organisations and persons are reached through scoped selectors (issue 12).

- Organisations belong to one group company and are not shared: another company's is 404
  on every page and API operation, and never in a list (even for staff who may see persons
  that company shares with them).
- A person another company shares is read-only: every change (edit, ending a link, the
  API's PATCH, revealing an identity code) is refused, and nothing changes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.access.models import GroupShare
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.register.models import (
    Affiliation,
    IdentityCode,
    Organization,
    OrganizationRelationship,
    Person,
)
from rekisteri.testing.fixtures import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def fi_org(fi_controller: Any) -> Organization:
    return Organization.objects.create(
        controller=fi_controller, name="Asiakas Oy", business_id="0737546-2"
    )


def _page(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_another_companys_organisation_is_404_everywhere(
    outsider: Any, fi_org: Organization, make_person: Any
) -> None:
    # The SE sales user may see persons the FI company shares, but not its organisations.
    GroupShare.objects.create(
        person=make_person(),
        controller=outsider.staff.controllers.get(),
        purpose="customer_management",
        shared_by="test",
        shared_at=timezone.now(),
    )
    api = ApiClient(outsider)
    assert api.get(f"/organizations/{fi_org.pk}").status_code == 404
    assert api.patch(f"/organizations/{fi_org.pk}", {"name": "Kaapattu Oy"}).status_code == 404
    assert fi_org.pk not in [o["id"] for o in api.get("/organizations").json()["items"]]
    client = _page(outsider)
    for name in ("register:organization_detail", "register:organization_edit"):
        assert client.get(reverse(name, args=[fi_org.pk])).status_code == 404
    started = client.post(
        reverse("register:organization_relationship_add", args=[fi_org.pk]),
        {"kind": "customer"},
    )
    assert started.status_code == 404
    assert "Asiakas Oy" not in client.get(reverse("register:organization_list")).content.decode()
    fi_org.refresh_from_db()
    assert fi_org.name == "Asiakas Oy"
    assert not OrganizationRelationship.objects.filter(organization=fi_org).exists()


@pytest.fixture
def shared(make_person: Any, fi_controller: Any, se_controller: Any) -> Person:
    """An FI person, linked to an FI organisation, with an identity code, shared with the SE
    company for customer management."""
    person = make_person(first_name="Jaettu", last_name="Henkilö")
    org = Organization.objects.create(controller=fi_controller, name="Oy Ab", business_id="")
    Affiliation.objects.create(person=person, organization=org, title="CEO")
    IdentityCode.objects.create(
        person=person, country="FI", encrypted="x", lookup_hash="y", masked="131052-****"
    )
    GroupShare.objects.create(
        person=person,
        controller=se_controller,
        purpose="customer_management",
        shared_by="test",
        shared_at=timezone.now(),
    )
    return person


def test_a_shared_person_is_read_only_for_the_other_company(outsider: Any, shared: Person) -> None:
    client = _page(outsider)
    assert client.get(reverse("register:person_detail", args=[shared.pk])).status_code == 200
    edit = client.post(
        reverse("register:person_edit", args=[shared.pk]),
        {"first_name": "Muutettu", "last_name": "Henkilö", "source_kind": "data_subject"},
    )
    assert edit.status_code in (403, 404)
    link = shared.affiliations.get()
    ended = client.post(
        reverse("register:person_affiliation_end", args=[shared.pk]), {"item": link.pk}
    )
    assert ended.status_code in (403, 404)
    patched = ApiClient(outsider).patch(f"/persons/{shared.pk}", {"title": "Hijacked"})
    assert patched.status_code in (403, 404)
    shared.refresh_from_db()
    link.refresh_from_db()
    assert (shared.first_name, shared.title, link.end) == ("Jaettu", "", None)


def test_a_shared_persons_identity_code_cannot_be_revealed_by_the_other_company(
    se_controller: Any, shared: Person
) -> None:
    # Compliance of the SE company may reveal codes, but a share for customer management
    # does not cover them: the page does not exist for them.
    compliance = make_staff("se-compliance", ["compliance"], [se_controller])
    client = _page(compliance)
    url = reverse("access:identity_code_reveal", args=[shared.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Asiakkaan tunnistaminen"}).status_code == 404
