"""Data subject requests through the JSON API: the DPO's queue and one request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.rights import services
from rekisteri.rights.models import RightsRequest

pytestmark = pytest.mark.django_db


def test_dpo_lists_open_requests_overdue_first_with_their_deadlines(staff, make_person, actor, dpo):
    person = make_person(email="pyytaja@example.fi")
    late, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="erasure",
        channel="letter",
        received_at=timezone.now() - timedelta(days=40),
        requester_name="Pyytäjä",
        requester_email="pyytaja@example.fi",
        details="Poistakaa tietoni",
        person_ids=[person.pk],
    )
    fresh, _ = services.request_create_staff(
        scope=dpo, actor=actor, kind="access", channel="email", person_ids=[]
    )
    services.request_verify_staff(
        scope=dpo, actor=actor, request=late, method="signed_letter", note=""
    )
    services.request_verify_staff(
        scope=dpo, actor=actor, request=fresh, method="signed_letter", note=""
    )

    response = ApiClient(staff["dpo"]).get("/rights/requests")
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == [late.pk, fresh.pk]
    first = rows[0]
    assert first["overdue"] is True and first["days_left"] < 0
    assert first["kind"] == "erasure" and first["reference"] == late.reference
    assert first["person_ids"] == [person.pk]
    # What the requester wrote and their address stay on the DPO's pages.
    assert "Poistakaa" not in response.content.decode()
    assert "pyytaja@example.fi" not in response.content.decode()


def test_one_request_is_audited_and_other_roles_are_refused(staff, actor, dpo):
    r, _ = services.request_create_staff(scope=dpo, actor=actor, kind="access", channel="email")
    body = ApiClient(staff["dpo"]).get(f"/rights/requests/{r.pk}").json()
    assert body["id"] == r.pk and body["deadline"] == r.deadline.isoformat()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, record=f"rights.RightsRequest:{r.pk}"
    ).exists()
    assert ApiClient(staff["sales"]).get("/rights/requests").status_code == 403
    assert ApiClient(staff["dpo"]).get("/rights/requests/999999").status_code == 404
    assert ApiClient(staff["dpo"]).get("/rights/requests?show=everything").status_code == 422
    assert RightsRequest.objects.count() == 1
