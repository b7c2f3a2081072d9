from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from rekisteri.api.models import ApiToken
from rekisteri.api.tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_anonymous_request_gets_401_with_bearer_challenge(catalogue):
    response = ApiClient().get("/persons")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "a valid API token is required"}


def test_unknown_token_gets_401(catalogue):
    response = ApiClient(token="rk_not-a-real-token").get("/organizations")
    assert response.status_code == 401


def test_token_of_user_without_staff_profile_gets_403(catalogue):
    user = get_user_model().objects.create_user(username="visitor", password="x" * 20)
    response = ApiClient(user).get("/persons")
    assert response.status_code == 403
    assert response.json()["code"] == "not_staff"


def test_token_of_inactive_user_stops_working(staff):
    client = ApiClient(staff["sales"])
    assert client.get("/organizations").status_code == 200
    staff["sales"].is_active = False
    staff["sales"].save(update_fields=["is_active"])
    assert client.get("/organizations").status_code == 401


def test_token_is_stored_only_as_a_hash(staff):
    client = ApiClient(staff["sales"])
    row = ApiToken.objects.get(user=staff["sales"])
    assert client.token not in (row.token_hash, row.prefix)
    assert client.token.startswith(row.prefix)


def test_openapi_schema_and_docs_need_no_token(catalogue):
    client = ApiClient()
    schema = client.get("/openapi.json")
    assert schema.status_code == 200
    operation_ids = {
        op["operationId"] for ops in schema.json()["paths"].values() for op in ops.values()
    }
    assert {
        "person_list",
        "person_get",
        "person_create",
        "person_update",
        "organization_list",
        "organization_get",
        "organization_create",
        "organization_update",
    } <= operation_ids
    docs = client.get("/docs")
    assert docs.status_code == 200
    # The Swagger UI comes from our own static files: the staff's browsers talk to no CDN.
    assert b"cdn.jsdelivr" not in docs.content
    assert b"ninja/swagger-ui-bundle.js" in docs.content


def test_every_operation_documents_its_error_responses(catalogue):
    paths = ApiClient().get("/openapi.json").json()["paths"]
    for ops in paths.values():
        for op in ops.values():
            if not op.get("security"):
                continue  # public: the index
            assert {"401", "403", "422"} <= set(op["responses"]), op["operationId"]


def test_token_command_creates_lists_and_revokes(staff):
    out = StringIO()
    call_command("token", "create", "--user", "sales", "--name", "crm sync", stdout=out)
    token = out.getvalue().strip()
    client = ApiClient(token=token)
    assert client.get("/organizations").status_code == 200

    out = StringIO()
    call_command("token", "list", "--user", "sales", stdout=out)
    listing = out.getvalue()
    assert "crm sync" in listing and token[:8] in listing and token not in listing
    row = ApiToken.objects.get(user=staff["sales"])

    out = StringIO()
    call_command("token", "revoke", str(row.pk), stdout=out)
    assert "revoked" in out.getvalue()
    assert client.get("/organizations").status_code == 401


def test_token_records_when_it_was_last_used(staff):
    client = ApiClient(staff["sales"])
    row = ApiToken.objects.get(user=staff["sales"])
    assert row.last_used_at is None
    client.get("/organizations")
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_revoking_an_unknown_token_is_an_error(catalogue):
    with pytest.raises(CommandError, match="no token"):
        call_command("token", "revoke", "4242")


def test_token_command_names_an_unknown_user(catalogue):
    with pytest.raises(CommandError, match="nobody"):
        call_command("token", "create", "--user", "nobody")
