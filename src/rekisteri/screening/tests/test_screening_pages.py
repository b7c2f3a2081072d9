"""The review queue for compliance: the page and the API list the open hits with the score
and why, a hit is decided with its reason, and other roles are refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from rekisteri.api.auth import token_create
from rekisteri.screening.models import HitStatus, PersonHit
from rekisteri.screening.tests.conftest import PERSON

pytestmark = pytest.mark.django_db


@pytest.fixture
def hit(load, work, make_person):
    load()
    person = make_person(**PERSON)
    work()
    return PersonHit.objects.get(person=person)


def test_compliance_sees_the_hit_with_why_and_decides_it(client, staff, hit):
    client.force_login(staff["compliance"])
    home = client.get(reverse("staff:home")).content.decode()
    assert reverse("screening:queue") in home
    assert "hits waiting for a decision" in home.lower() or "odottaa" in home.lower()

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("screening:queue"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Veikko Tarvaskoski" in text
    assert "Veikko Ilmari Tarvaskoski" in text
    assert f"{round(hit.score * 100)} %" in text
    assert "Birth date" in text and "Country FI" in text

    url = reverse("screening:hit", args=["person", hit.pk])
    assert url in text
    response = client.post(
        url,
        {"decision": "false_positive", "reason": "Born elsewhere; the passport differs."},
        follow=True,
    )
    assert response.status_code == 200
    hit.refresh_from_db()
    assert hit.status == HitStatus.FALSE_POSITIVE
    assert hit.decision_reason == "Born elsewhere; the passport differs."
    assert "Veikko Tarvaskoski" not in response.content.decode().split("<main", 1)[-1]


def test_a_decision_without_a_reason_is_refused_on_the_page(client, staff, hit):
    client.force_login(staff["compliance"])
    response = client.post(
        reverse("screening:hit", args=["person", hit.pk]), {"decision": "match", "reason": ""}
    )
    assert response.status_code == 200
    hit.refresh_from_db()
    assert hit.status == HitStatus.OPEN


def test_the_finnish_queue_reads_in_finnish(client, staff, hit):
    client.force_login(staff["compliance"])
    text = client.get(reverse("screening:queue"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Seulontaosumat" in text
    assert "Syntymäaika" in text


@pytest.mark.parametrize("role", ["sales", "marketing", "finance", "customer_service", "admin"])
def test_other_roles_get_no_queue_and_no_menu_entry(client, staff, hit, role):
    client.force_login(staff[role])
    assert client.get(reverse("screening:queue")).status_code == 403
    assert client.get(reverse("screening:hit", args=["person", hit.pk])).status_code == 403
    assert reverse("screening:queue") not in client.get(reverse("staff:home")).content.decode()


def test_the_api_lists_and_decides_hits(client, staff, hit):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=staff['compliance'])}"}
    listed = client.get("/api/v1/screening/hits", **auth)
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["id"] == hit.pk and row["kind"] == "person" and row["status"] == "open"
    assert row["caption"] == "Veikko Ilmari Tarvaskoski"
    assert {r["kind"] for r in row["reasons"]} >= {"birth_date", "country"}
    assert row["why"]

    url = f"/api/v1/screening/hits/person/{hit.pk}/decision"
    bad = client.post(
        url,
        json.dumps({"decision": "maybe", "reason": "x"}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    done = client.post(
        url,
        json.dumps({"decision": "match", "reason": "same person"}),
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200
    assert done.json()["status"] == "match"
    again = client.post(
        url,
        json.dumps({"decision": "false_positive", "reason": "no"}),
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 422
    assert client.get("/api/v1/screening/hits", **auth).json() == []


def test_the_api_refuses_sales(client, staff, hit):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=staff['sales'])}"}
    assert client.get("/api/v1/screening/hits", **auth).status_code == 403


def test_another_companys_hit_is_not_found(client, staff, load, work, make_person, se_controller):
    load()
    person = make_person(controller=se_controller, **{**PERSON, "identity_code": "610417-1001"})
    work()
    hit = PersonHit.objects.get(person=person)
    client.force_login(staff["compliance"])
    assert client.get(reverse("screening:hit", args=["person", hit.pk])).status_code == 404
    assert "Tarvaskoski" not in client.get(reverse("screening:queue")).content.decode()
