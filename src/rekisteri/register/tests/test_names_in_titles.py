"""A user whose purposes do not cover a person's name never sees it in a title or heading.

Issue 12: a role without the category of persons' names (in the demo catalogue, "basic")
saw persons' names in the title and heading of person pages. Here a security role keeps
the register for security only (web visits, service use, premises): it reaches the
person's pages, and they say "Person <id>".
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rekisteri.audit.services import Actor
from rekisteri.interactions.models import WebVisit
from rekisteri.testing.fixtures import DEMO_CATALOGUE, make_staff

pytestmark = pytest.mark.django_db

IP = "203.0.113.9"
SECURITY_ROLE = """
[[roles]]
code = "security"
name = { fi = "Tietoturva", sv = "Säkerhet", en = "Security" }
purposes = ["security_development"]
"""


def _catalogue_with_a_security_role() -> str:
    text = DEMO_CATALOGUE.read_text(encoding="utf-8")
    purpose = text.index('code = "security_development"')
    end = text.index('recipients = ["it_hosting"]\n', purpose) + len(
        'recipients = ["it_hosting"]\n'
    )
    text = text[:end] + 'capabilities = ["keep_register", "record_interactions"]\n' + text[end:]
    return text + SECURITY_ROLE


@pytest.fixture
def security(db: Any) -> Any:
    from rekisteri.catalogue.services import catalogue_load
    from rekisteri.register.models import Controller

    catalogue_load(text=_catalogue_with_a_security_role(), source_name="t", actor=Actor("t"))
    return make_staff("security", ["security"], [Controller.objects.get(code="esimerkki-fi")])


@pytest.fixture
def person(security: Any) -> Any:
    from rekisteri.register.models import Controller, Person

    fi = Controller.objects.get(code="esimerkki-fi")
    person = Person.objects.create(controller=fi, first_name="Salla", last_name="Salainen")
    WebVisit.objects.create(controller=fi, person=person, ip_address=IP, page="/kirjaudu")
    return person


def _titles(html: str) -> str:
    found = re.findall(r"<title>(.*?)</title>|<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    return " ".join(a + b for a, b in found)


@pytest.mark.parametrize(
    "route",
    [
        "register:person_detail",
        "register:person_edit",
        "interactions:person_timeline",
        "access:person_sharing",
    ],
)
def test_no_name_in_titles_without_the_names_category(
    security: Any, person: Any, route: str
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(security)
    response = client.get(reverse(route, args=[person.pk]))
    assert response.status_code in (200, 403)  # the edit form refuses: nothing to edit
    html = response.content.decode()
    assert _titles(html), "the page has a title or a heading"
    assert f"Person {person.pk}" in html  # where the page names the person
    assert "Salla" not in html and "Salainen" not in html


def test_the_timeline_shows_web_visits_to_whom_they_are_for(security: Any, person: Any) -> None:
    # The role's purposes cover web visits: the address is theirs to see, the name is not.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(security)
    html = client.get(reverse("interactions:person_timeline", args=[person.pk])).content.decode()
    assert IP in html and "Salainen" not in html


def test_a_sales_user_sees_the_name_but_no_web_visit_address(security: Any, person: Any) -> None:
    from rekisteri.register.models import Controller

    sales = make_staff("sales", ["sales"], [Controller.objects.get(code="esimerkki-fi")])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(sales)
    html = client.get(reverse("interactions:person_timeline", args=[person.pk])).content.decode()
    assert "Salla Salainen" in _titles(html)
    assert IP not in html
