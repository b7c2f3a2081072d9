"""GET /healthz: what a load balancer and monitoring see (rekisteri.health)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.api.auth import token_create
from rekisteri.audit.guard import audit_guard_lifted
from rekisteri.audit.models import AuditAction, ChainVerification
from rekisteri.audit.services import Actor, audit_record
from rekisteri.health import checks
from rekisteri.health.checks import FAIL, OK, WARN
from rekisteri.jobs.models import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_live_worker():
    """A worker beat just now (without one /healthz fails: tested first below)."""
    now = timezone.now()
    Worker.objects.create(identity="test|1|0|x", started_at=now, beat_at=now)


def test_without_a_worker_healthz_fails_and_says_so():
    Worker.objects.all().delete()
    status, body = healthz()
    assert status == 503
    assert by_name(body)["worker"] == {
        "name": "worker",
        "status": FAIL,
        "detail": {"heartbeat_age_seconds": None},
    }


def test_a_live_worker_is_ok():
    status, body = healthz()
    assert by_name(body)["worker"]["status"] == OK


def healthz() -> tuple[int, dict]:
    response = Client().get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def by_name(body: dict) -> dict[str, dict]:
    return {c["name"]: c for c in body["checks"]}


def test_a_fresh_installation_answers_200_and_says_audit_verify_has_not_run():
    status, body = healthz()
    assert status == 200
    found = by_name(body)
    assert found["database"]["status"] == OK
    assert found["migrations"] == {"name": "migrations", "status": OK, "detail": {"pending": []}}
    assert found["audit_verify"]["status"] == WARN
    assert found["audit_verify"]["detail"]["last_run"] is None
    assert body["status"] == WARN


def test_a_passed_audit_verify_is_shown_with_when_and_how_many():
    audit_record(actor=Actor("sales"), action=AuditAction.VIEW, person_id=5)
    call_command("audit", "verify")
    status, body = healthz()
    assert status == 200 and body["status"] == OK
    verify = by_name(body)["audit_verify"]["detail"]
    assert verify["intact"] is True and verify["events_checked"] == 1
    assert verify["age_seconds"] < 3600


def test_a_broken_audit_chain_fails_without_naming_who():
    event = audit_record(actor=Actor("jane.virtanen"), action=AuditAction.VIEW, person_id=5)
    with audit_guard_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [event.id])
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert b"jane" not in response.content
    verify = by_name(json.loads(response.content))["audit_verify"]
    assert verify["status"] == FAIL
    assert verify["detail"]["broken_at_seq"] == 1 and verify["detail"]["problem"] == "changed"


def test_an_old_audit_verify_is_a_warning():
    ChainVerification.objects.create(at=timezone.now() - timedelta(days=5), checked=3, ok=True)
    status, body = healthz()
    assert status == 200
    assert by_name(body)["audit_verify"]["status"] == WARN


def test_a_pending_migration_fails(monkeypatch):
    expected = checks._expected_migrations() | {("audit", "9999_from_the_next_release")}
    monkeypatch.setattr(checks, "_expected_migrations", lambda: expected)
    status, body = healthz()
    assert status == 503
    assert by_name(body)["migrations"]["detail"]["pending"] == ["audit.9999_from_the_next_release"]


def test_an_unreachable_database_fails_naming_only_the_kind_of_error(monkeypatch):
    class Down:
        def __getitem__(self, alias):
            raise OperationalError('connection to server at "db.internal" failed: password')

    monkeypatch.setattr(checks, "connections", Down())
    status, body = healthz()
    assert status == 503
    assert by_name(body)["database"] == {
        "name": "database",
        "status": FAIL,
        "detail": {"error": "OperationalError"},
    }
    assert "db.internal" not in json.dumps(body)


@pytest.mark.parametrize(
    "age, status",
    [(None, FAIL), (5, OK), (timedelta(seconds=30), OK), (timedelta(hours=1), FAIL)],
)
def test_the_worker_check_fails_without_a_recent_heartbeat(age, status):
    assert checks.worker(age).status == status


def test_the_checks_are_a_list_that_takes_one_more(monkeypatch):
    monkeypatch.setattr(checks, "CHECKS", [*checks.CHECKS, lambda: checks.Check("x", FAIL)])
    status, body = healthz()
    assert status == 503
    assert [c["name"] for c in body["checks"]] == [
        "database",
        "migrations",
        "audit_verify",
        "worker",
        "x",
    ]


def test_healthz_answers_head_and_refuses_post():
    assert Client().head("/healthz").status_code == 200
    assert Client().post("/healthz").status_code == 405


def test_a_check_from_the_dpo_page_or_the_api_is_what_healthz_shows(staff):
    client = Client()
    client.force_login(staff["dpo"])
    assert client.get(reverse("audit:verify")).status_code == 200
    assert ChainVerification.objects.count() == 1
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=staff['dpo'])}")
    assert api.get("/api/v1/audit/verify").json()["intact"] is True
    assert ChainVerification.objects.count() == 2
    assert by_name(healthz()[1])["audit_verify"]["status"] == OK
