""" "Assign to" on a request lists only the users who could open it: whose own scope covers
handling rights requests in the request's group company. Another company's DPO, a user
without the capability and a deactivated account are not offered, and are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rekisteri.access.selectors import scope_for
from rekisteri.rights import services
from rekisteri.rights.selectors import assignable_users
from rekisteri.testing.fixtures import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(staff: Any, fi_controller: Any, se_controller: Any) -> dict[str, Any]:
    group = make_staff("dpo.group", ["dpo"], [fi_controller, se_controller])
    swedish = make_staff("dpo.se", ["dpo"], [se_controller])
    gone = make_staff("dpo.gone", ["dpo"], [fi_controller])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return {"group": group, "swedish": swedish, "gone": gone, **staff}


@pytest.fixture
def finnish_request(people: Any, make_person: Any, actor: Any) -> Any:
    person = make_person(first_name="Aino", last_name="Suomalainen", email="aino@example.fi")
    r, _token = services.request_create_staff(
        scope=scope_for(people["dpo"]),
        actor=actor,
        kind="access",
        channel="email",
        person_ids=[person.pk],
        verification_method="known_email",
    )
    return r


def _options(user: Any, r: Any) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    page = client.get(reverse("rights:request_detail", args=[r.pk])).content.decode()
    return page.split('name="user"', 1)[1].split("</select>", 1)[0] if 'name="user"' in page else ""


def test_assign_to_lists_only_users_who_handle_requests_of_the_requests_company(
    people: Any, finnish_request: Any
) -> None:
    # The group-wide DPO sees the Finnish request; the Swedish DPO is of their companies
    # too, but could not open a request of the Finnish company, so is not offered.
    options = _options(people["group"], finnish_request)
    assert ">dpo<" in options and ">dpo.group<" in options
    assert ">dpo.se<" not in options
    assert ">dpo.gone<" not in options  # deactivated
    assert ">sales<" not in options and ">marketing<" not in options  # no rights capability
    # The same list from the service's side.
    names = [
        u.username
        for u in assignable_users(scope=scope_for(people["dpo"]), request=finnish_request)
    ]
    assert names == ["dpo", "dpo.group"]


def test_assigning_a_user_who_cannot_open_the_request_is_refused(
    people: Any, finnish_request: Any
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["group"])
    url = reverse("rights:request_action", args=[finnish_request.pk, "assign"])
    client.post(url, {"user": people["swedish"].pk})
    finnish_request.refresh_from_db()
    assert finnish_request.assignee is None
    client.post(url, {"user": people["dpo"].pk})
    finnish_request.refresh_from_db()
    assert finnish_request.assignee == people["dpo"]


def test_a_user_who_cannot_see_the_request_gets_no_one_to_assign(
    people: Any, finnish_request: Any
) -> None:
    assert assignable_users(scope=scope_for(people["swedish"]), request=finnish_request) == []
