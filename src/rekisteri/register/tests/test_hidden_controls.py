"""The person page offers Edit and "Left the organisation" only to a user who may do them:
staff of another group company the person is shared with see the record, not the controls
(the services would refuse them), and nor does anyone see them on a restricted person."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.access.models import GroupShare
from rekisteri.register.models import Affiliation, Organization

pytestmark = pytest.mark.django_db

LEFT = "Left the organisation"


def _page(user: Any, person: Any) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(reverse("register:person_detail", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def contact(make_person: Any, fi_controller: Any, se_controller: Any) -> Any:
    """An FI contact person of an FI customer, shared with the SE company."""
    person = make_person(last_name="Jaettu", email="jaettu@yritys.fi", is_contact_person=True)
    org = Organization.objects.create(controller=fi_controller, name="Yritys Oy")
    Affiliation.objects.create(person=person, organization=org, title="Ostaja")
    GroupShare.objects.create(
        person=person,
        controller=se_controller,
        purpose="customer_management",
        shared_by="test",
        shared_at=timezone.now(),
    )
    return person


def test_staff_of_the_persons_company_see_edit_and_end(staff: Any, contact: Any) -> None:
    page = _page(staff["sales"], contact)
    assert reverse("register:person_edit", args=[contact.pk]) in page
    assert reverse("register:person_affiliation_end", args=[contact.pk]) in page
    assert LEFT in page


def test_staff_of_another_company_see_the_shared_person_without_controls(
    outsider: Any, contact: Any
) -> None:
    page = _page(outsider, contact)
    assert "Jaettu" in page and "Yritys Oy" in page  # the record is shown
    assert reverse("register:person_edit", args=[contact.pk]) not in page
    assert reverse("register:person_affiliation_end", args=[contact.pk]) not in page
    assert LEFT not in page
    # Hidden because it would be refused: the same user is refused on the form itself.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(outsider)
    ended = client.post(
        reverse("register:person_affiliation_end", args=[contact.pk]),
        {"item": contact.affiliations.get().pk, "end": "2026-01-01"},
    )
    assert ended.status_code == 403


def test_a_restricted_person_has_no_edit_controls(staff: Any, contact: Any) -> None:
    contact.restricted_since = timezone.now()
    contact.save(update_fields=["restricted_since"])
    page = _page(staff["sales"], contact)
    assert reverse("register:person_edit", args=[contact.pk]) not in page
    assert LEFT not in page
