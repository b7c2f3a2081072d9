"""The organisation page's trade register card, the review list, and the staff action
"Update from the trade register" that the worker runs (not the request)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from rekisteri.audit.models import AuditEvent
from rekisteri.enrichment.models import TradeRegisterRecord
from rekisteri.enrichment.tests.conftest import RECORDED
from rekisteri.jobs.models import Job, JobStatus
from rekisteri.jobs.registry import jobs
from rekisteri.jobs.worker import Runner
from rekisteri.register.models import OrganizationProvenance, record_key

pytestmark = pytest.mark.django_db


def login(user: Any, lang: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


@pytest.fixture
def ended(make_org) -> Any:
    org = make_org(name="Vanha Satama Ky", business_id="3023456-1")
    call_command("enrich", "ytj", str(RECORDED / "ytj_ended.json"), stdout=io.StringIO())
    return org


def test_a_dissolved_company_is_flagged_on_its_page_and_in_the_review_list(staff, ended) -> None:
    c = login(staff["finance"])
    page = c.get(f"/staff/register/organizations/{ended.pk}/").content.decode()
    assert "Needs review" in page and "The company has ended" in page
    assert "Kommandiittiyhtiö" in page
    assert "Update from the trade register" not in page  # finance may not update
    assert "Mark as reviewed" not in page
    review = c.get("/staff/trade-register/review/").content.decode()
    assert "1 organisation to review" in review and "Vanha Satama Ky" in review
    assert c.post(f"/staff/trade-register/organisations/{ended.pk}/update/").status_code == 403


def test_the_pages_are_in_finnish_and_swedish(staff, ended) -> None:
    fi = (
        login(staff["sales"], "fi")
        .get(f"/staff/register/organizations/{ended.pk}/")
        .content.decode()
    )
    assert "Kaupparekisteri" in fi and "Vaatii tarkistuksen" in fi
    assert "Päivitä kaupparekisteristä" in fi
    sv = login(staff["sales"], "sv").get("/staff/trade-register/review/").content.decode()
    assert "1 organisation att granska" in sv


def test_marking_as_reviewed_clears_the_flag_until_the_register_says_something_new(
    staff, ended
) -> None:
    c = login(staff["sales"])
    c.post(f"/staff/trade-register/organisations/{ended.pk}/reviewed/", {"next": "review"})
    record = TradeRegisterRecord.objects.get(organization=ended)
    assert not record.review_open and record.reviewed_by == "sales"
    assert AuditEvent.objects.filter(
        record=record_key(ended), reason="trade register news reviewed: ended"
    ).exists()
    assert "0 organisations to review" in c.get("/staff/trade-register/review/").content.decode()
    call_command("enrich", "ytj", str(RECORDED / "ytj_ended.json"), stdout=io.StringIO())
    assert not TradeRegisterRecord.objects.get(organization=ended).review_open


def test_update_queues_the_worker_which_fetches_and_applies(
    staff, make_org, prh, settings: Any
) -> None:
    settings.JOBS_SCHEDULE = "off"
    jobs.cache_clear()
    org = make_org(name="Pohjoistuuli Oy", business_id="3012345-8")
    OrganizationProvenance.objects.update(collected_at="2020-01-01T00:00:00Z")
    c = login(staff["sales"])

    page = c.post(f"/staff/trade-register/organisations/{org.pk}/update/", follow=True)
    assert "The update from the trade register is queued" in page.content.decode()
    assert prh.requests == []  # nothing is fetched in the request
    assert Job.objects.get().status == JobStatus.QUEUED

    Runner(poll=0).run(until_idle=True)
    jobs.cache_clear()

    assert Job.objects.get().status == JobStatus.DONE
    assert prh.requests == ["/opendata-ytj-api/v3/companies?businessId=3012345-8"]
    page = c.get(f"/staff/register/organizations/{org.pk}/").content.decode()
    assert "Pohjoistuuli Ohjelmistot Oy" in page
    assert "updated from the register" in page
    assert AuditEvent.objects.filter(record=record_key(org), actor="sales").exists()
