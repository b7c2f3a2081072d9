"""The API's matrix entries hold: each role reaches what its rule says, and no more."""

from __future__ import annotations

import pytest

from rekisteri.access.matrix import ROLES
from rekisteri.api.access_matrix import MATRIX
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.services import Actor
from rekisteri.register.services import organization_create

pytestmark = pytest.mark.django_db


def _operations() -> dict[str, tuple[str, str]]:
    paths = ApiClient().get("/openapi.json").json()["paths"]
    return {
        op["operationId"]: (method.upper(), path.removeprefix("/api/v1"))
        for path, ops in paths.items()
        for method, op in ops.items()
    }


def _call(client: ApiClient, method: str, path: str) -> int:
    if method == "GET":
        return client.get(path).status_code
    if method == "POST":
        return client.post(path, {}).status_code
    return client.patch(path, {}).status_code


def test_every_register_operation_has_a_rule_with_its_method(catalogue):
    for operation_id, (method, _path) in _operations().items():
        if operation_id.startswith(("person_", "organization_")):
            rule = MATRIX[f"api:{operation_id}"]
            assert rule.method == method, operation_id


def test_roles_anonymous_and_outsider_get_what_the_matrix_says(
    staff, outsider, make_person, fi_controller
):
    fixtures = {
        "person": make_person(),
        "organization": organization_create(
            actor=Actor("test"), controller=fi_controller, data={"name": "Matrix Oy"}
        ),
    }
    operations = _operations()
    clients = {role: ApiClient(staff[role]) for role in ROLES}
    for key, rule in MATRIX.items():
        operation_id = key.removeprefix("api:")
        if operation_id not in operations or rule.public:
            continue
        method, template = operations[operation_id]
        path = template.format(**{k: v(fixtures) for k, v in rule.kwargs.items()})
        assert _call(ApiClient(), method, path) == 401, key
        for role in ROLES:
            status = _call(clients[role], method, path)
            if role in rule.roles:
                assert status not in (401, 403, 404), (key, role, status)
            else:
                assert status == 403, (key, role, status)
        if rule.kwargs and operation_id.startswith("person_"):
            # Not shared with the other group company: it does not exist for them.
            assert _call(ApiClient(outsider), method, path) == 404, key


def test_public_urls_answer_without_a_token(catalogue):
    client = ApiClient()
    for path in ("/openapi.json", "/docs", "/"):
        assert client.get(path).status_code == 200, path
