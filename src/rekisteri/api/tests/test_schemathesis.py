"""Property-based tests of the API against its own OpenAPI schema (schemathesis).

Schemathesis reads /api/v1/openapi.json from the WSGI application, generates requests for
every operation, sends them with a sales user's token and checks that no answer is a
server error, that every answer's status, content type, headers and body are the ones the
schema documents, that invalid input is refused and that no operation works without a
token (all of schemathesis' checks but one). `positive_data_acceptance` is left out on purpose: the schema says "a string"
for an email address, and the register (rightly) refuses most strings with 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from rekisteri.access.selectors import system_scope
from rekisteri.api.auth import token_create
from rekisteri.audit.services import Actor
from rekisteri.register.services import organization_create


@pytest.fixture
def api_schema(staff: dict[str, Any], make_person: Any, fi_controller: Any) -> Iterator[Any]:
    from rekisteri.wsgi import application

    # A few real records, so that generated ids (small integers first) find some.
    for name in ("Virtanen", "Korhonen", "Nieminen"):
        make_person(last_name=name, identity_code="131052-308T" if name == "Korhonen" else "")
    organization_create(
        actor=Actor("test"),
        controller=fi_controller,
        data={"name": "Alfa Oy"},
        scope=system_scope("test"),
    )
    # The WSGI handler closes the database connection after each request, which would end
    # the test's transaction; Django's own test client switches this off the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def sales_token(staff: dict[str, Any]) -> str:
    return token_create(user=staff["sales"], actor="test")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
# derandomize: the same cases on every run, so that a failure is a change, not bad luck.
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_answers_as_its_schema_says(case: Any, sales_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {sales_token}"},
        excluded_checks=[positive_data_acceptance],
    )
