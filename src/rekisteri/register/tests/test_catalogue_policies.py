"""The catalogue decides what the register processes (issue 13, items 3 and 8): a field of a
category the company does not declare is refused by name everywhere, a B2B-only register
refuses consumers, and identity codes are those of the controller's country by default."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rekisteri.access.selectors import system_scope
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.services import Actor
from rekisteri.imports.readers import read_csv_text
from rekisteri.imports.services import import_persons
from rekisteri.register.models import Controller, IdentityCode, Person
from rekisteri.register.policies import NO_CONSUMERS, NOT_PROCESSED
from rekisteri.register.services import SourceRef
from rekisteri.register.tests.catalogues import demo_text, load, with_policy, without_category
from rekisteri.testing.fixtures import make_staff

pytestmark = pytest.mark.django_db

PERSONNUMMER = "880320-0016"  # a valid Swedish personnummer (test number)
HETU = "131052-308T"  # a valid Finnish henkilötunnus


def fi() -> Controller:
    return Controller.objects.get(code="esimerkki-fi")


def se() -> Controller:
    return Controller.objects.get(code="exempel-se")


def import_csv(controller: Controller, text: str) -> Any:
    return import_persons(
        actor=Actor("test"),
        controller=controller,
        rows=read_csv_text(text, "persons"),
        source=SourceRef(kind="third_party", name="list"),
    )


# --- Categories the company does not process ---------------------------------------------


def test_api_refuses_an_identity_code_the_register_does_not_process():
    load(without_category(demo_text(), "identity_code"))
    compliance = make_staff("kyc", ["compliance"], [fi()])
    response = ApiClient(compliance).post(
        "/persons", {"last_name": "Virtanen", "identity_code": HETU}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"identity_code": NOT_PROCESSED}
    assert not Person.objects.exists()


def test_api_accepts_the_identity_code_when_the_catalogue_declares_it():
    load(demo_text())
    compliance = make_staff("kyc", ["compliance"], [fi()])
    response = ApiClient(compliance).post(
        "/persons", {"last_name": "Virtanen", "identity_code": HETU}
    )
    assert response.status_code == 201, response.json()
    assert IdentityCode.objects.filter(country="FI").count() == 1


def test_import_refuses_a_column_of_a_category_the_register_does_not_process():
    load(without_category(demo_text(), "identity_code"))
    report = import_csv(fi(), f"sukunimi,henkilötunnus\nVirtanen,{HETU}\n")
    assert [str(e) for e in report.errors] == [f"row 1, column henkilötunnus: {NOT_PROCESSED}"]
    assert not Person.objects.exists()


def test_a_catalogue_without_chat_transcripts_loads_and_the_register_still_works():
    snap = load(without_category(demo_text(), "chat_transcripts"))
    assert "chat_transcripts" not in snap.categories
    sales = make_staff("sales", ["sales"], [fi()])
    response = ApiClient(sales).post("/persons", {"last_name": "Virtanen"})
    assert response.status_code == 201


# --- B2B only ----------------------------------------------------------------------------


def test_b2b_register_refuses_a_consumer_through_the_api_naming_the_field():
    load(with_policy(demo_text(), b2b_only=True))
    sales = make_staff("sales", ["sales"], [fi()])
    api = ApiClient(sales)
    response = api.post("/persons", {"last_name": "Virtanen", "is_consumer": True})
    assert response.status_code == 422
    assert response.json()["errors"] == {"is_consumer": NO_CONSUMERS}
    assert not Person.objects.exists()
    created = api.post("/persons", {"last_name": "Virtanen", "is_consumer": False})
    assert created.status_code == 201
    patched = api.patch(f"/persons/{created.json()['id']}", {"is_consumer": True})
    assert patched.status_code == 422
    assert patched.json()["errors"] == {"is_consumer": NO_CONSUMERS}
    assert not Person.objects.get().is_consumer


def test_a_register_that_is_not_b2b_only_keeps_consumers():
    load(demo_text())
    sales = make_staff("sales", ["sales"], [fi()])
    response = ApiClient(sales).post("/persons", {"last_name": "Virtanen", "is_consumer": True})
    assert response.status_code == 201
    assert Person.objects.get().is_consumer


def test_b2b_register_refuses_a_consumer_row_in_an_import():
    load(with_policy(demo_text(), b2b_only=True))
    report = import_csv(fi(), "sukunimi,kuluttaja\nVirtanen,ei\nNieminen,kyllä\n")
    assert [str(e) for e in report.errors] == [f"row 3, column kuluttaja: {NO_CONSUMERS}"]
    assert not Person.objects.exists()


def test_import_marks_consumers_where_the_register_keeps_them():
    load(demo_text())
    report = import_csv(fi(), "sukunimi,kuluttaja\nVirtanen,ei\nNieminen,kyllä\n")
    assert report.ok, report.errors
    assert set(Person.objects.values_list("last_name", "is_consumer")) == {
        ("Virtanen", False),
        ("Nieminen", True),
    }


def test_b2b_register_staff_form_has_no_consumer_option(client):
    load(with_policy(demo_text(), b2b_only=True))
    client.force_login(make_staff("sales", ["sales"], [fi()]))
    page = client.get(reverse("register:person_create"))
    assert page.status_code == 200
    assert 'name="is_consumer"' not in page.content.decode()


def test_staff_form_offers_the_consumer_option_where_the_register_keeps_consumers(client):
    load(demo_text())
    client.force_login(make_staff("sales", ["sales"], [fi()]))
    page = client.get(reverse("register:person_create"))
    assert 'name="is_consumer"' in page.content.decode()


# --- Identity codes of the controller's country -------------------------------------------


def test_swedish_register_accepts_a_personnummer_without_a_country_column():
    load(demo_text())
    report = import_csv(se(), f"efternamn,personnummer\nSvensson,{PERSONNUMMER}\n")
    assert report.ok, [str(e) for e in report.errors]
    assert IdentityCode.objects.get().country == "SE"


def test_the_register_setting_decides_whose_identity_codes_persons_have():
    load(with_policy(demo_text(), identity_code_country="SE"))
    from rekisteri.register.services import person_create

    person = person_create(
        actor=Actor("test"),
        controller=fi(),
        data={"last_name": "Svensson", "identity_code": PERSONNUMMER},
        scope=system_scope("test"),
    )
    assert person.identity_codes.get().country == "SE"
