"""The GET of a person: what each request still checks after the statement count was cut."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rekisteri.access.selectors import scope_for
from rekisteri.api.auth import token_revoke
from rekisteri.api.models import ApiToken
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.selectors import audit_chain_verify

pytestmark = pytest.mark.django_db


def test_a_get_runs_a_bounded_number_of_statements_and_is_audited(staff, make_person):
    person = make_person(identity_code="131052-308T")
    client = ApiClient(staff["compliance"])
    client.get(f"/persons/{person.pk}")  # "last used" is written once a minute at most
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/persons/{person.pk}")
    assert response.status_code == 200
    # token with its user, staff profile and the catalogue version; controllers; person;
    # 4 related lists; chain head, event, subject, head update (was 19 with savepoints)
    assert len(ctx.captured_queries) <= 13
    assert AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.VIEW).count() == 2
    assert audit_chain_verify()[1] is None


def test_the_scope_from_the_token_query_is_the_scope_from_the_database(staff, outsider):
    for user in [*staff.values(), outsider]:
        # The token query loads the staff profile with the user; otherwise scope_for reads it.
        loaded = get_user_model().objects.select_related("staff").get(pk=user.pk)
        fresh = get_user_model().objects.get(pk=user.pk)
        assert scope_for(loaded) == scope_for(fresh)
        assert scope_for(loaded).controller_ids


def test_a_revoked_token_fails_on_the_next_request(staff, make_person):
    person = make_person()
    client = ApiClient(staff["sales"])
    assert client.get(f"/persons/{person.pk}").status_code == 200
    token_revoke(token_id=ApiToken.objects.get(user=staff["sales"]).pk)
    assert client.get(f"/persons/{person.pk}").status_code == 401


def test_a_deactivated_user_s_token_fails_on_the_next_request(staff, make_person):
    person = make_person()
    client = ApiClient(staff["sales"])
    assert client.get(f"/persons/{person.pk}").status_code == 200
    get_user_model().objects.filter(pk=staff["sales"].pk).update(is_active=False)
    assert client.get(f"/persons/{person.pk}").status_code == 401


def test_a_role_taken_away_applies_on_the_next_request(staff, make_person):
    from rekisteri.access.models import StaffProfile

    person = make_person(identity_code="131052-308T")
    client = ApiClient(staff["compliance"])
    assert "identity_codes" in client.get(f"/persons/{person.pk}").json()
    StaffProfile.objects.filter(user=staff["compliance"]).update(roles=["marketing"])
    body = client.get(f"/persons/{person.pk}").json()
    assert "identity_codes" not in body
    assert "identity_code" in body["hidden_categories"]
