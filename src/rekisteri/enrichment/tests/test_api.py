"""Enrichment in the JSON API: reading an organisation's public-register provenance and
review flag, the review list, asking for an update (the worker's job, never a fetch in the
request) and marking the news as reviewed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from rekisteri.api.auth import token_create
from rekisteri.enrichment.models import TradeRegisterRecord
from rekisteri.enrichment.tests.conftest import RECORDED
from rekisteri.jobs.models import Job, JobStatus
from rekisteri.jobs.registry import jobs
from rekisteri.jobs.worker import Runner
from rekisteri.register.models import OrganizationProvenance

pytestmark = pytest.mark.django_db


def auth(user: Any) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}",
        "HTTP_ACCEPT_LANGUAGE": "en",
    }


@pytest.fixture
def ended(make_org) -> Any:
    org = make_org(name="Vanha Satama Ky", business_id="3023456-1")
    call_command("enrich", "ytj", str(RECORDED / "ytj_ended.json"), stdout=io.StringIO())
    return org


def test_the_record_shows_provenance_per_field_and_the_review_flag(
    client: Client, staff, ended
) -> None:
    got = client.get(f"/api/v1/enrichment/organizations/{ended.pk}", **auth(staff["finance"]))
    assert got.status_code == 200
    body = got.json()
    record = body["trade_register"]
    assert record["source_register"] == "ytj" and record["status"] == "ended"
    assert record["end_date"] == "2025-06-30" and record["company_form"] == "Kommandiittiyhtiö"
    assert record["review"]["open"] is True and record["review"]["reason"] == "ended"
    assert record["review"]["reason_text"] == "the company has ended"
    assert body["updatable"] is True
    by_field = {p["field"]: p for p in body["provenance"]}
    # the register filled the address; the company gave the name itself
    assert by_field["city"]["source_kind"] == "public_register"
    assert by_field["city"]["source"] == "PRH open data (YTJ)"
    assert by_field["name"]["source_kind"] == "data_subject"
    changed = {r["field"] for r in record["last_update"] if r["changed"]}
    assert "city" in changed
    assert all(r["text"] for r in record["last_update"])


def test_an_organisation_never_checked_has_no_record(client: Client, staff, make_org) -> None:
    org = make_org(name="Uusi Oy", business_id="0737546-2")
    body = client.get(f"/api/v1/enrichment/organizations/{org.pk}", **auth(staff["sales"])).json()
    assert body["trade_register"] is None
    assert {p["field"] for p in body["provenance"]} >= {"name", "business_id"}


def test_the_review_list_and_marking_as_reviewed(client: Client, staff, ended) -> None:
    listed = client.get("/api/v1/enrichment/review", **auth(staff["finance"])).json()
    assert listed["count"] == 1
    assert listed["items"][0]["organization_id"] == ended.pk
    assert listed["items"][0]["reason"] == "ended"

    url = f"/api/v1/enrichment/organizations/{ended.pk}/reviewed"
    assert client.post(url, **auth(staff["finance"])).status_code == 403  # may only read
    done = client.post(url, **auth(staff["sales"]))
    assert done.status_code == 200
    assert done.json()["trade_register"]["review"]["open"] is False
    assert done.json()["trade_register"]["review"]["reviewed_by"] == "sales"
    assert client.get("/api/v1/enrichment/review", **auth(staff["sales"])).json()["count"] == 0


def test_an_update_is_queued_and_the_worker_fetches_it(
    client: Client, staff, make_org, prh, settings: Any
) -> None:
    settings.JOBS_SCHEDULE = "off"
    jobs.cache_clear()
    org = make_org(name="Pohjoistuuli Oy", business_id="3012345-8")
    OrganizationProvenance.objects.update(collected_at="2020-01-01T00:00:00Z")

    url = f"/api/v1/enrichment/organizations/{org.pk}/update"
    assert client.post(url, **auth(staff["finance"])).status_code == 403
    queued = client.post(url, **auth(staff["sales"]))
    assert queued.status_code == 202
    assert prh.requests == []  # nothing is fetched in the request
    job = Job.objects.get()
    assert queued.json()["job_id"] == job.pk and job.status == JobStatus.QUEUED
    assert job.kwargs == {"organization_id": org.pk, "requested_by": "sales"}

    Runner(poll=0).run(until_idle=True)
    jobs.cache_clear()

    body = client.get(f"/api/v1/enrichment/organizations/{org.pk}", **auth(staff["sales"])).json()
    assert body["name"] == "Pohjoistuuli Ohjelmistot Oy"
    assert body["trade_register"]["status"] == "registered"
    assert {p["field"]: p["source_kind"] for p in body["provenance"]}["name"] == "public_register"


def test_an_organisation_that_cannot_be_fetched_is_refused_by_field(
    client: Client, staff, make_org
) -> None:
    org = make_org(name="Kund AB", business_id="556036-0793", country="SE")
    refused = client.post(
        f"/api/v1/enrichment/organizations/{org.pk}/update", **auth(staff["sales"])
    )
    assert refused.status_code == 422
    assert "organization_id" in refused.json()["errors"]
    assert not Job.objects.exists()
    assert not TradeRegisterRecord.objects.exists()


def test_another_group_companys_organisation_is_not_found(
    client: Client, staff, make_org, se_controller
) -> None:
    org = make_org(se_controller, name="Kund AB", business_id="556036-0793", country="SE")
    for path, method in (
        (f"/api/v1/enrichment/organizations/{org.pk}", "get"),
        (f"/api/v1/enrichment/organizations/{org.pk}/update", "post"),
    ):
        assert getattr(client, method)(path, **auth(staff["sales"])).status_code == 404
