from __future__ import annotations

import pytest

from rekisteri.access.selectors import system_scope
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.register.models import Organization
from rekisteri.register.services import organization_create

pytestmark = pytest.mark.django_db

NOKIA = "0112038-9"


def test_create_organization_validates_and_normalises(staff):
    response = ApiClient(staff["sales"]).post(
        "/organizations",
        {
            "name": "Esimerkki Oy",
            "business_id": NOKIA,
            "website": "esimerkki.fi",
            "relationships": ["customer", "partner"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["business_id"] == NOKIA
    assert body["website"] == "https://esimerkki.fi"
    assert body["controller"] == "esimerkki-fi"
    assert sorted(r["kind"] for r in body["relationships"]) == ["customer", "partner"]
    assert body["created_by"] == "sales"


def test_create_organization_with_bad_business_id_is_422_naming_the_field(staff):
    response = ApiClient(staff["sales"]).post(
        "/organizations", {"name": "Huono Oy", "business_id": "0112038-8"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"business_id"}
    assert not Organization.objects.filter(name="Huono Oy").exists()


def test_create_organization_with_unknown_relationship_is_422(staff):
    response = ApiClient(staff["sales"]).post(
        "/organizations", {"name": "Huono Oy", "relationships": ["friend"]}
    )
    assert response.status_code == 422
    assert "relationships.0" in response.json()["errors"]


def test_duplicate_business_id_is_422(staff, fi_controller):
    organization_create(
        actor=Actor("test"),
        controller=fi_controller,
        data={"name": "A", "business_id": NOKIA},
        scope=system_scope("test"),
    )
    response = ApiClient(staff["sales"]).post("/organizations", {"name": "B", "business_id": NOKIA})
    assert response.status_code == 422
    assert "already" in response.json()["errors"]["business_id"]


def test_get_list_and_update_organization(staff, fi_controller):
    org = organization_create(
        actor=Actor("test"),
        controller=fi_controller,
        data={"name": "Alfa Oy", "city": "Turku"},
        scope=system_scope("test"),
    )
    client = ApiClient(staff["finance"])
    assert client.get(f"/organizations/{org.pk}").json()["city"] == "Turku"
    listing = client.get("/organizations", {"q": "alf"}).json()
    assert [o["id"] for o in listing["items"]] == [org.pk]

    response = client.patch(f"/organizations/{org.pk}", {"city": "Tampere", "street": None})
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Tampere"
    event = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, record=f"register.Organization:{org.pk}"
    )
    assert event.get().fields == ["city"]


def test_update_with_empty_name_is_422(staff, fi_controller):
    org = organization_create(
        actor=Actor("test"),
        controller=fi_controller,
        data={"name": "Beta"},
        scope=system_scope("test"),
    )
    response = ApiClient(staff["sales"]).patch(f"/organizations/{org.pk}", {"name": ""})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": "is required"}


def test_organization_of_another_group_company_cannot_be_changed(staff, outsider, fi_controller):
    org = organization_create(
        actor=Actor("test"),
        controller=fi_controller,
        data={"name": "Gamma"},
        scope=system_scope("test"),
    )
    response = ApiClient(outsider).patch(f"/organizations/{org.pk}", {"name": "Hijacked"})
    assert response.status_code in (403, 404)
    org.refresh_from_db()
    assert org.name == "Gamma"


def test_unknown_organization_is_404(staff):
    assert ApiClient(staff["sales"]).get("/organizations/424242").status_code == 404
