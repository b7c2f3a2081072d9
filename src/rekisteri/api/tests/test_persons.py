from __future__ import annotations

import pytest
from django.utils import timezone

from rekisteri.access.selectors import system_scope
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.selectors import audit_unseal
from rekisteri.audit.services import Actor
from rekisteri.common.personal import mapped_fields
from rekisteri.register.models import Person
from rekisteri.register.schemas import PersonOut

pytestmark = pytest.mark.django_db

HETU = "131052-308T"


def test_marketing_user_gets_a_person_without_identity_code_fields(staff, make_person):
    person = make_person(identity_code=HETU)
    response = ApiClient(staff["marketing"]).get(f"/persons/{person.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["last_name"] == person.last_name
    assert "identity_codes" not in body
    assert "identity_code" in body["hidden_categories"]
    assert "308T" not in response.content.decode()
    # Marketing's purposes do not cover the KYC flag either: left out, not null.
    assert "is_beneficial_owner" not in body


def test_compliance_user_sees_the_identity_code_masked_only(staff, make_person):
    person = make_person(identity_code=HETU)
    body = ApiClient(staff["compliance"]).get(f"/persons/{person.pk}").json()
    assert [c["country"] for c in body["identity_codes"]] == ["FI"]
    assert HETU not in str(body) and body["identity_codes"][0]["masked"] != HETU


def test_get_person_is_audited_with_its_purpose(staff, make_person):
    person = make_person()
    ApiClient(staff["sales"]).get(f"/persons/{person.pk}", {"purpose": "stakeholder_cooperation"})
    event = AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.VIEW).get()
    assert event.actor == "sales"
    assert event.purpose == "stakeholder_cooperation"
    assert "basic" in event.categories


def test_get_person_with_a_purpose_not_of_the_users_role_is_422(staff, make_person):
    person = make_person()
    response = ApiClient(staff["sales"]).get(f"/persons/{person.pk}", {"purpose": "kyc_aml"})
    assert response.status_code == 422
    assert "purpose" in response.json()["errors"]
    assert not AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.VIEW).exists()


def test_get_person_shows_provenance(staff, make_person):
    person = make_person()
    body = ApiClient(staff["sales"]).get(f"/persons/{person.pk}").json()
    records = {p["record"] for p in body["provenance"]}
    assert f"register.Person:{person.pk}" in records
    assert any(r.startswith("register.ContactPoint:") for r in records)
    assert {p["source_kind"] for p in body["provenance"]} == {"data_subject"}


def test_unshared_person_of_another_group_company_is_404(staff, outsider, make_person):
    person = make_person()
    client = ApiClient(outsider)
    missing = client.get("/persons/999999")
    response = client.get(f"/persons/{person.pk}")
    assert response.status_code == 404
    assert response.json() == missing.json()  # no hint that the person exists
    assert client.patch(f"/persons/{person.pk}", {"title": "CEO"}).status_code == 404
    assert client.get("/persons", {"q": person.last_name.lower()}).json()["count"] == 0
    assert not AuditEvent.objects.filter(person_id=person.pk, actor="outsider").exists()


def test_shared_person_is_readable_by_the_other_group_company_but_not_writable(
    staff, outsider, make_person, se_controller
):
    from rekisteri.access.services import group_share_create

    person = make_person(identity_code=HETU)
    group_share_create(
        actor=Actor("test"),
        person=person,
        controller=se_controller,
        purpose="customer_management",
        scope=system_scope("test"),
    )
    response = ApiClient(outsider).get(f"/persons/{person.pk}")
    assert response.status_code == 200
    assert response.json()["last_name"] == person.last_name
    assert "identity_codes" not in response.json()  # not a category of the shared purpose
    # The owning company keeps the record accurate; the other may look, not change.
    refused = ApiClient(outsider).patch(f"/persons/{person.pk}", {"title": "CEO"})
    assert refused.status_code == 403
    person.refresh_from_db()
    assert person.title == ""


def test_create_with_a_bad_email_is_422_naming_the_field_and_writes_nothing(staff):
    before = Person.objects.count()
    response = ApiClient(staff["sales"]).post(
        "/persons", {"first_name": "Maija", "last_name": "Virtanen", "email": "maija@@example"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"email"}
    assert "maija" not in errors["email"]  # messages do not repeat the value
    assert Person.objects.count() == before


def test_create_without_last_name_is_422(staff):
    response = ApiClient(staff["sales"]).post("/persons", {"first_name": "Maija"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"last_name": "is required"}}


def test_create_person_records_provenance_and_audit(staff):
    response = ApiClient(staff["sales"]).post(
        "/persons",
        {
            "first_name": "Maija",
            "last_name": "Virtanen",
            "email": "Maija.Virtanen@Example.FI",
            "phone": "040 123 4567",
            "source_kind": "public_register",
            "source_name": "Kaupparekisteri",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "maija.virtanen@example.fi"
    assert body["phone"] == "+358401234567"
    assert body["controller"] == "esimerkki-fi"
    assert {p["source_name"] for p in body["provenance"]} == {"Kaupparekisteri"}
    assert {p["recorded_by"] for p in body["provenance"]} == {"sales"}
    assert AuditEvent.objects.filter(person_id=body["id"], action=AuditAction.CREATE).exists()


def test_create_with_identity_code_is_refused_to_a_role_without_that_category(staff):
    response = ApiClient(staff["marketing"]).post(
        "/persons", {"last_name": "Virtanen", "identity_code": HETU}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "category"
    assert not Person.objects.filter(last_name="Virtanen").exists()


def test_create_in_another_group_company_is_refused(staff):
    response = ApiClient(staff["sales"]).post(
        "/persons", {"last_name": "Svensson", "controller": "exempel-se"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "controller"


def test_create_with_unknown_group_company_is_422(staff):
    response = ApiClient(staff["sales"]).post(
        "/persons", {"last_name": "Svensson", "controller": "no-such"}
    )
    assert response.status_code == 422
    assert "controller" in response.json()["errors"]


def test_update_is_audited_with_sealed_before_and_after(staff, make_person):
    person = make_person(title="Myyntipäällikkö")
    old_email = person.contact_points.get(kind="email").value
    response = ApiClient(staff["sales"]).patch(
        f"/persons/{person.pk}", {"title": "Toimitusjohtaja", "email": "uusi@example.fi"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Toimitusjohtaja"
    assert response.json()["email"] == "uusi@example.fi"
    event = AuditEvent.objects.get(person_id=person.pk, action=AuditAction.UPDATE)
    assert event.actor == "sales"
    assert set(event.fields) == {"title", "email"}
    # The values are not in the event in clear, only sealed with the person's key.
    assert "Toimitusjohtaja" not in str(event.detail) + event.reason + event.sealed
    assert audit_unseal(event) == {
        "title": {"before": "Myyntipäällikkö", "after": "Toimitusjohtaja"},
        "email": {"before": old_email, "after": "uusi@example.fi"},
    }


def test_update_with_bad_phone_is_422_and_changes_nothing(staff, make_person):
    person = make_person(title="CFO")
    response = ApiClient(staff["sales"]).patch(
        f"/persons/{person.pk}", {"title": "CEO", "phone": "12"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"phone"}
    person.refresh_from_db()
    assert person.title == "CFO"


def test_update_of_a_restricted_person_is_403_with_the_reason(staff, make_person):
    person = make_person()
    Person.objects.filter(pk=person.pk).update(restricted_since=timezone.now())
    response = ApiClient(staff["sales"], language="en").patch(
        f"/persons/{person.pk}", {"title": "CEO"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "restricted"
    assert "Art. 18" in response.json()["detail"]
    person.refresh_from_db()
    assert person.title == ""


def test_patch_with_a_body_that_is_not_an_object_is_422(staff, make_person):
    person = make_person()
    response = ApiClient(staff["sales"]).patch(f"/persons/{person.pk}", [None, None])
    assert response.status_code == 422
    assert response.json() == {"errors": {"body": "must be a JSON object"}}


def test_null_in_patch_clears_the_email(staff, make_person):
    person = make_person()
    body = ApiClient(staff["sales"]).patch(f"/persons/{person.pk}", {"email": None}).json()
    assert body["email"] is None
    assert not person.contact_points.filter(kind="email").exists()


def test_list_searches_by_name_prefix_and_email_prefix(staff, make_person):
    virtanen = make_person(first_name="Maija", last_name="Virtanen", email="mv@firma.fi")
    make_person(first_name="Matti", last_name="Korhonen", email="matti@toinen.fi")
    client = ApiClient(staff["sales"])

    by_name = client.get("/persons", {"q": "virt"}).json()
    assert [p["id"] for p in by_name["items"]] == [virtanen.pk]
    assert by_name["count"] == 1

    by_full_name = client.get("/persons", {"q": "Virtanen Maija"}).json()
    assert [p["id"] for p in by_full_name["items"]] == [virtanen.pk]

    by_email = client.get("/persons", {"q": "mv@fir"}).json()
    assert [p["id"] for p in by_email["items"]] == [virtanen.pk]


def test_list_paginates_and_audits_whose_names_were_shown(staff, make_person):
    people = [make_person(last_name=f"Aalto{i}") for i in range(5)]
    client = ApiClient(staff["sales"])
    page = client.get("/persons", {"q": "aalto", "limit": 2, "offset": 2}).json()
    assert page["count"] == 5
    assert [p["last_name"] for p in page["items"]] == ["Aalto2", "Aalto3"]
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("seq")
    assert event.person_ids == sorted([people[2].pk, people[3].pk])
    assert "aalto" not in str(event.detail)  # the search text itself is not kept


def test_list_refuses_an_unknown_parameter_instead_of_listing_everyone(staff, make_person):
    make_person()
    response = ApiClient(staff["sales"]).get("/persons", {"search": "virtanen"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"search": "is not a parameter of this operation"}}
    assert not AuditEvent.objects.filter(action=AuditAction.LIST).exists()


def test_list_rejects_a_page_size_over_the_limit(staff):
    response = ApiClient(staff["sales"]).get("/persons", {"limit": 1000})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"limit"}


def test_administrator_without_basic_category_is_refused_persons(staff, make_person):
    person = make_person()
    response = ApiClient(staff["admin"]).get(f"/persons/{person.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "category"


def test_control_characters_in_input_are_422_not_a_server_error(staff):
    response = ApiClient(staff["sales"]).post("/persons", {"last_name": "Vir\x00tanen"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"last_name"}
    assert ApiClient(staff["sales"]).get("/persons", {"q": "a\x00"}).status_code == 422


def test_person_schema_has_every_person_field_the_field_map_lists():
    """A new personal field on Person must be added to the API too (or consciously left out)."""
    left_out = {"search_name"}
    names = {m.name for m in mapped_fields(Person)} - left_out
    assert names <= set(PersonOut.model_fields)
