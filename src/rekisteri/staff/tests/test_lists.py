"""The register's lists: counts, sorting, filters, and the columns the user's categories allow."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rekisteri.access.selectors import category_of, scope_for, system_scope
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.register.models import ContactPoint
from rekisteri.register.selectors import person_list_columns
from rekisteri.register.services import affiliation_add, organization_create

pytestmark = pytest.mark.django_db


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _org(actor: Any, controller: Any, name: str, country: str = "FI") -> Any:
    return organization_create(
        actor=actor,
        controller=controller,
        data={"name": name, "country": country},
        scope=system_scope("test"),
    )


def test_person_list_shows_organisation_and_email_and_a_count(
    staff: Any, actor: Any, fi_controller: Any, make_person: Any
) -> None:
    aino = make_person(first_name="Aino", last_name="Virtanen", email="aino@firma.fi")
    make_person(first_name="Bertil", last_name="Lindqvist", email="bertil@firma.fi")
    org = _org(actor, fi_controller, "Firma Oy")
    affiliation_add(actor=actor, person=aino, organization=org, data={}, scope=system_scope("test"))
    html = client_for(staff["sales"]).get(reverse("register:person_list")).content.decode()
    assert ">Organisation<" in html and ">Email<" in html
    assert "Firma Oy" in html and "aino@firma.fi" in html and "bertil@firma.fi" in html
    assert "2 found" in html
    listed = AuditEvent.objects.filter(action=AuditAction.LIST, record="register.person_list")
    assert listed.exists()


def test_a_column_whose_category_the_user_lacks_is_not_there(staff: Any, make_person: Any) -> None:
    person = make_person(email="aino@firma.fi")
    contact = category_of(ContactPoint, "value")
    scope = scope_for(staff["sales"])
    without = dataclasses.replace(scope, categories=scope.categories - {contact})
    columns = person_list_columns(scope=without, person_ids=[person.pk])
    assert not columns.email
    assert "email" not in columns.values[person.pk]


def test_person_list_sorts_by_name_both_ways(staff: Any, make_person: Any) -> None:
    make_person(last_name="Aaltonen")
    make_person(last_name="Österberg")
    sales = client_for(staff["sales"])
    up = sales.get(reverse("register:person_list")).content.decode()
    down = sales.get(reverse("register:person_list"), {"sort": "-name"}).content.decode()
    assert up.index("Aaltonen") < up.index("Österberg")
    assert down.index("Österberg") < down.index("Aaltonen")
    assert 'aria-sort="descending"' in down


def test_outsider_sees_no_person_of_another_group_company(outsider: Any, make_person: Any) -> None:
    make_person(last_name="Virtanen")
    html = client_for(outsider).get(reverse("register:person_list")).content.decode()
    assert "Virtanen" not in html and "0 found" in html


def test_organisation_list_filters_by_country_and_counts(
    staff: Any, actor: Any, fi_controller: Any
) -> None:
    _org(actor, fi_controller, "Firma Oy", "FI")
    _org(actor, fi_controller, "Bolaget AB", "SE")
    sales = client_for(staff["sales"])
    html = sales.get(reverse("register:organization_list"), {"country": "se"}).content.decode()
    assert "Bolaget AB" in html and "Firma Oy" not in html
    assert "1 found" in html


def test_lists_speak_finnish(staff: Any, make_person: Any) -> None:
    make_person(last_name="Virtanen")
    html = client_for(staff["sales"], "fi").get(reverse("register:person_list")).content.decode()
    assert "Sähköposti" in html and "Organisaatio" in html and "1 löytyi" in html


def test_person_list_queries_do_not_grow_with_the_rows(staff: Any, make_person: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sales = client_for(staff["sales"])
    for n in range(3):
        make_person(last_name=f"Pieni{n}")
    sales.get(reverse("register:person_list"))  # warm the session and the catalogue
    with CaptureQueriesContext(connection) as few:
        sales.get(reverse("register:person_list"))
    for n in range(12):
        make_person(last_name=f"Iso{n}")
    with CaptureQueriesContext(connection) as many:
        sales.get(reverse("register:person_list"))
    assert len(many.captured_queries) == len(few.captured_queries)
