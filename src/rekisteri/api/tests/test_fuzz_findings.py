"""What schemathesis found in the API (issue 14, item 12), one test each.

Each failed on the main branch of 2026-11-29: an HTML 500, a record made from a malformed
call, or a schema that let through what the server then refused.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from rekisteri.access.selectors import system_scope
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.services import Actor
from rekisteri.consent.models import Consent, Suppression
from rekisteri.register.services import organization_create

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63  # one more than the largest id


def _schema() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()


def _raw_post(user: Any, path: str, body: str) -> Any:
    client = ApiClient(user)
    return client.client.post(
        f"/api/v1{path}", body, content_type="application/json", headers=client._headers()
    )


def test_an_agreement_with_the_default_amount_is_recorded(staff, fi_controller):
    org = organization_create(
        actor=Actor("test"),
        controller=fi_controller,
        data={"name": "Alfa Oy"},
        scope=system_scope("test"),
    )
    # The amount left out: its default 0 used to reach the decimal validator as an int (500).
    client = ApiClient(staff["sales"])
    response = client.post("/interactions/", {"kind": "agreement", "organization_id": org.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {"kind": "is required"}  # the agreement's own kind
    response = client.post(
        "/interactions/",
        {"kind": "agreement", "organization_id": org.pk, "data": {"kind": "order"}},
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "agreement"


def test_changing_the_country_to_one_where_the_business_id_is_taken_is_refused(staff):
    client = ApiClient(staff["sales"])
    finnish = client.post("/organizations", {"name": "Alfa Oy", "business_id": "0112038-9"})
    assert finnish.status_code == 201
    british = client.post(
        "/organizations", {"name": "Alfa Ltd", "business_id": "0112038-9", "country": "GB"}
    )
    assert british.status_code == 201
    response = client.patch(f"/organizations/{british.json()['id']}", {"country": "FI"})
    assert response.status_code == 422
    assert "business_id" in response.json()["errors"]
    assert client.get(f"/organizations/{british.json()['id']}").json()["country"] == "GB"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/consent/persons/{id}"),
        ("post", "/consent/persons/{id}/objection"),
        ("get", "/audit/persons/{id}/access-log"),
        ("get", "/rights/requests/{id}"),
        ("get", "/persons/{id}"),
        ("get", "/organizations/{id}"),
    ],
)
def test_an_id_beyond_64_bits_is_a_422_everywhere(staff, method, path):
    client = ApiClient(staff["dpo"])
    url = path.format(id=TOO_BIG)
    response = client.get(url) if method == "get" else client.post(url, {})
    assert response.status_code == 422, response.content
    assert response.json()["errors"]


def test_every_id_in_a_path_or_a_query_has_bounds_in_the_schema():
    for path, item in _schema()["paths"].items():
        for op in item.values():
            for param in op.get("parameters", []):
                if not param["name"].endswith("_id"):
                    continue
                schemas = param["schema"].get("anyOf", [param["schema"]])
                integer = next(s for s in schemas if s.get("type") == "integer")
                assert (integer.get("minimum"), integer.get("maximum")) == (1, 2**63 - 1), (
                    path,
                    param["name"],
                )


@pytest.mark.parametrize("body", ["5", "[]", '"x"', "null", "true"])
def test_an_objection_that_is_not_a_json_object_is_refused_and_records_nothing(
    staff, make_person, body
):
    person = make_person(email="ostaja@yritys.fi", is_contact_person=True)
    response = _raw_post(staff["marketing"], f"/consent/persons/{person.pk}/objection", body)
    assert response.status_code == 422
    assert not Consent.objects.filter(person=person).exists()
    assert not Suppression.objects.exists()
    status = ApiClient(staff["marketing"]).get(f"/consent/persons/{person.pk}").json()
    assert status["email"]["reason_code"] == "b2b"


# --- The schema says what the server refuses -------------------------------------------------


def _matches(pattern: str, value: str) -> bool:
    # As JSON Schema reads it (ECMA 262): `$` is the end, not also before a final newline.
    return re.search(pattern.removesuffix("$") + r"\Z", value) is not None


def test_the_schema_declares_the_interaction_kinds_and_the_server_refuses_others(staff):
    from rekisteri.interactions.models import KINDS

    schema = _schema()
    body = schema["components"]["schemas"]["InteractionIn"]["properties"]["kind"]
    assert body["enum"] == list(KINDS)
    params = schema["paths"]["/api/v1/interactions/"]["get"]["parameters"]
    kind = next(p for p in params if p["name"] == "kind")["schema"]["anyOf"][0]
    assert kind["enum"] == list(KINDS)
    client = ApiClient(staff["sales"])
    assert client.get("/interactions/", {"person_id": 1, "kind": "gossip"}).status_code == 422
    assert client.post("/interactions/", {"kind": "gossip", "person_id": 1}).status_code == 422


def test_the_schema_declares_control_characters_in_q_and_the_server_agrees(staff):
    params = _schema()["paths"]["/api/v1/persons"]["get"]["parameters"]
    pattern = next(p for p in params if p["name"] == "q")["schema"]["pattern"]
    client = ApiClient(staff["sales"])
    for q in ("virtanen", "a\tb", "\x01", "a\x7f", "\x9f"):
        allowed = _matches(pattern, q)
        assert (client.get("/persons", {"q": q}).status_code == 200) == allowed, repr(q)


def test_the_schema_lists_the_purposes_and_the_server_takes_only_the_callers(staff, make_person):
    from rekisteri.catalogue.selectors import catalogue_snapshot

    schema = _schema()
    purposes = sorted(catalogue_snapshot().purposes)
    params = schema["paths"]["/api/v1/persons/{person_id}"]["get"]["parameters"]
    assert next(p for p in params if p["name"] == "purpose")["schema"]["enum"] == [
        "",
        *purposes,
    ]
    for name in ("PersonIn", "PersonPatch"):
        prop = schema["components"]["schemas"][name]["properties"]["purpose"]
        assert set(purposes) <= set(prop["enum"])
    person = make_person()
    response = ApiClient(staff["sales"]).get(f"/persons/{person.pk}", {"purpose": "no_such"})
    assert response.status_code == 422


def test_the_schema_says_names_are_required_and_the_server_agrees(staff, make_person):
    schema = _schema()["components"]["schemas"]
    client = ApiClient(staff["sales"])
    person = make_person()
    for component, field in (
        ("PersonIn", "last_name"),
        ("PersonPatch", "last_name"),
        ("OrganizationIn", "name"),
        ("OrganizationPatch", "name"),
    ):
        prop = schema[component]["properties"][field]
        assert prop["type"] == "string", (component, prop)  # not nullable
        for value in ("", "   ", "\u3000", "\t"):
            assert not _matches(prop["pattern"], value), (component, repr(value))
        assert _matches(prop["pattern"], "Virtanen")
    assert client.post("/persons", {"last_name": "  "}).status_code == 422
    assert client.patch(f"/persons/{person.pk}", {"last_name": None}).status_code == 422
    assert client.patch(f"/persons/{person.pk}", {"last_name": "\u3000"}).status_code == 422
    assert client.post("/organizations", {"name": " "}).status_code == 422


def test_the_schema_gives_the_business_id_characters_and_the_server_agrees(staff):
    prop = _schema()["components"]["schemas"]["OrganizationIn"]["properties"]["business_id"]
    pattern = prop["anyOf"][0]["pattern"]
    client = ApiClient(staff["sales"])
    # Full-width digits, a Unicode hyphen, a letter outside ASCII: refused by both.
    for business_id in ("０１１２０３８-９", "0112038\u20109", "ÅB-123", "12#34"):
        assert not _matches(pattern, business_id)
        for country in ("FI", "GB"):
            response = client.post(
                "/organizations", {"name": "X", "business_id": business_id, "country": country}
            )
            assert response.status_code == 422, (business_id, country)
            assert "business_id" in response.json()["errors"]
    assert _matches(pattern, " 0112038-9 ")


def test_a_line_break_in_a_name_is_refused_as_the_schema_says(staff):
    prop = _schema()["components"]["schemas"]["PersonIn"]["properties"]["first_name"]
    pattern = prop["anyOf"][0]["pattern"]
    client = ApiClient(staff["sales"])
    for name in ("Maija\n", "\rMaija", "Ma\u2028ija"):
        assert not _matches(pattern, name)
        response = client.post("/persons", {"first_name": name, "last_name": "Virtanen"})
        assert response.status_code == 422
        assert response.json()["errors"] == {"first_name": "must not contain control characters"}


def test_the_schema_bounds_the_organisation_ids_and_the_server_agrees(staff):
    schema = _schema()["components"]["schemas"]
    for component in ("InteractionIn", "PersonIn"):
        prop = schema[component]["properties"]["organization_id"]["anyOf"][0]
        assert (prop["minimum"], prop["maximum"]) == (1, 2**63 - 1)
    client = ApiClient(staff["sales"])
    for bad in (0, -1, TOO_BIG):
        response = client.post("/interactions/", {"kind": "agreement", "organization_id": bad})
        assert response.status_code == 422
        assert "organization_id" in response.json()["errors"]


def test_operations_that_chain_are_linked_in_the_schema():
    paths = _schema()["paths"]
    created = paths["/api/v1/persons"]["post"]["responses"]["201"]["links"]
    assert created["person_get_person_id"] == {
        "operationId": "person_get",
        "parameters": {"path.person_id": "$response.body#/id"},
    }
    assert {link["operationId"] for link in created.values()} >= {
        "person_update",
        "consent_status",
        "consent_objection",
        "audit_access_log",
        "interaction_list",
    }
    org = paths["/api/v1/organizations"]["post"]["responses"]["201"]["links"]
    assert org["interaction_list_organization_id"]["parameters"] == {
        "query.organization_id": "$response.body#/id"
    }
    assert json.dumps(paths).count('"links"') >= 8


def test_a_flag_must_be_true_or_false_and_an_id_a_number_as_the_schema_says(staff, make_person):
    # Found by the fuzzer's coverage phase: 0 and "true" were taken as booleans, "1" as an id.
    client = ApiClient(staff["sales"])
    person = make_person()
    for flag in (0, 1, "true", "yes"):
        response = client.post("/persons", {"last_name": "Virtanen", "is_contact_person": flag})
        assert response.status_code == 422
        assert "is_contact_person" in response.json()["errors"]
        response = client.patch(f"/persons/{person.pk}", {"is_consumer": flag})
        assert response.status_code == 422
    for bad_id in ("1", 1.5, True):
        response = client.post("/interactions/", {"kind": "call", "person_id": bad_id})
        assert response.status_code == 422
        assert "person_id" in response.json()["errors"]
        response = client.post("/persons", {"last_name": "Virtanen", "organization_id": bad_id})
        assert response.status_code == 422
    assert (
        client.post("/persons", {"last_name": "Virtanen", "is_consumer": False}).status_code == 201
    )
