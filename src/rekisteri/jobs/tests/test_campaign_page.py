"""The campaign page's *Send* queues the worker's job; the worker sends to a real SMTP peer
and the page polls the progress (htmx, loaded by the base template); a sending that failed
for good says so, with *Send* again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rekisteri.jobs.models import Job, JobStatus
from rekisteri.jobs.worker import Runner
from rekisteri.marketing.models import Campaign
from rekisteri.marketing.tests.conftest import smtp  # noqa: F401 - the SMTP peer fixture

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def _campaign(c: Client, make_person: Any) -> Campaign:
    for n in range(3):
        make_person(email=f"asiakas{n}@yritys.fi", is_contact_person=True)
    c.post(
        "/staff/marketing/campaigns/new/",
        {"name": "Kevät", "purpose": "marketing", "subject_fi": "Hei", "body_fi": "Uutisia"},
    )
    return Campaign.objects.get(name="Kevät")


def test_send_queues_the_worker_which_sends_while_the_page_shows_progress(
    probe_jobs,
    staff,
    make_person,
    smtp,  # noqa: F811
) -> None:
    c = login(staff["marketing"])
    campaign = _campaign(c, make_person)
    sent = c.post(
        f"/staff/marketing/campaigns/{campaign.pk}/queue/", {"audience": "3"}, follow=True
    )
    page = sent.content.decode()
    assert "The worker sends them now" in page
    assert "Waiting for the worker to start sending." in page
    assert "htmx" in page and 'hx-trigger="every 2s"' in page  # htmx is loaded and polls
    assert Job.objects.get().status == JobStatus.QUEUED

    Runner(poll=0).run(until_idle=True)

    assert sorted(smtp.recipients()) == [f"asiakas{n}@yritys.fi" for n in range(3)]
    progress = c.get(f"/staff/marketing/campaigns/{campaign.pk}/progress/").content.decode()
    assert "Sent 3 / 3" in progress
    assert "hx-get" not in progress  # done: the polling stops
    assert Job.objects.get().status == JobStatus.DONE


def test_a_sending_that_failed_for_good_says_so_and_offers_send_again(
    probe_jobs, staff, make_person, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nobody answers
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    c = login(staff["marketing"])
    campaign = _campaign(c, make_person)
    c.post(f"/staff/marketing/campaigns/{campaign.pk}/queue/", {"audience": "3"})
    Runner(poll=0).run(until_idle=True)

    job = Job.objects.get()
    assert job.status == JobStatus.DEAD and job.attempts == 5
    page = c.get(f"/staff/marketing/campaigns/{campaign.pk}/").content.decode()
    assert "Sending stopped: the worker failed to send this campaign 5 times" in page
    assert f"/staff/marketing/campaigns/{campaign.pk}/send/" in page  # Send, again
    confirm = c.get(f"/staff/marketing/campaigns/{campaign.pk}/send/").content.decode()
    assert "Send to 3 recipients?" in confirm  # the three still waiting

    c.post(f"/staff/marketing/campaigns/{campaign.pk}/queue/", {"audience": "3"})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 0
