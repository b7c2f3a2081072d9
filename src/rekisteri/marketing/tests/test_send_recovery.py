"""Resuming after a stopped sender, in one process (issue 14, item 3).

The kill -9 test with real processes is test_send_killed.py; these pin down each rule: a dead
worker on this host is recognised at once, its journal says exactly what went out, the row
it may have had on its way is `unknown` and never resent, the rest are sent once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from rekisteri.marketing.models import Campaign, CampaignRecipient, RecipientStatus
from rekisteri.marketing.recovery import (
    Journal,
    journal_path,
    lease_take,
    worker_identity,
    worker_is_dead,
)
from rekisteri.marketing.sending import CampaignBusy, campaign_prepare, campaign_send
from rekisteri.marketing.services import campaign_save
from rekisteri.marketing.tests.conftest import Inbox, _free_port

pytestmark = pytest.mark.django_db(transaction=True)


def dead_identity() -> str:
    """The identity a worker process had, after that process has ended."""
    code = (
        "import django; django.setup()\n"
        "from rekisteri.marketing.recovery import worker_identity\n"
        "print(worker_identity('x'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rekisteri.settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_worker_whose_process_has_ended_is_dead_at_once_and_a_live_one_is_not():
    assert worker_is_dead(dead_identity())
    assert not worker_is_dead(worker_identity("other-run"))
    host, pid, started, run = worker_identity("r").split("|")
    assert worker_is_dead(f"{host}|{pid}|{int(started) + 1}|{run}"), "a reused pid"
    assert not worker_is_dead(f"elsewhere.example|{pid}|{started}|{run}"), "another machine"


@pytest.fixture
def big(fi_controller, actor, scope, make_person):  # type: ignore[no-untyped-def]
    for i in range(6):
        make_person(email=f"henkilo{i}@asiakas.fi", is_contact_person=True)
    campaign = campaign_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        data={"name": "Syksy", "subject_fi": "Hei {first_name}", "body_fi": "Hei", "rate": 0},
    )
    return campaign


def test_resume_at_once_after_a_dead_worker_applies_its_journal(smtp, actor, worker, big, settings):
    campaign_prepare(actor=actor, scope=worker, campaign=big)
    rows = list(CampaignRecipient.objects.filter(campaign=big).order_by("pk"))
    dead = dead_identity()
    # The dead run held the campaign a moment ago and had claimed four rows; its journal
    # says the peer accepted the first two; the database never heard.
    Campaign.objects.filter(pk=big.pk).update(status="sending", worker=dead)
    CampaignRecipient.objects.filter(pk__in=[r.pk for r in rows[:4]]).update(
        status=RecipientStatus.CLAIMED, claimed_by=dead
    )
    journal = Journal(big.pk, dead)
    journal.add(rows[0].pk)
    journal.add(rows[1].pk)
    journal.close(remove=False)

    report = campaign_send(actor=actor, scope=worker, campaign=big)

    status = dict(CampaignRecipient.objects.filter(campaign=big).values_list("pk", "status"))
    assert [status[r.pk] for r in rows] == ["sent", "sent", "unknown", "sent", "sent", "sent"]
    # Sent now: the row the dead run never tried and the two it never claimed.
    assert sorted(smtp.recipients()) == sorted(r.email for r in rows[3:])
    assert (report.sent, report.unknown, report.requeued) == (3, 1, 1)
    big.refresh_from_db()
    assert big.status == "sent" and big.sent_count == 5
    assert not journal_path(big.pk, dead).exists()


def test_a_live_worker_keeps_the_campaign(smtp, actor, worker, big):
    campaign_prepare(actor=actor, scope=worker, campaign=big)
    assert lease_take(big, worker_identity("first"), lease_seconds=120)

    with pytest.raises(CampaignBusy):
        campaign_send(actor=actor, scope=worker, campaign=big)
    assert smtp.recipients() == []


class DropsOne(Inbox):
    """A peer that loses the connection right after receiving one recipient's message."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if envelope.rcpt_tos == ["henkilo2@asiakas.fi"] and not getattr(self, "dropped", False):
            self.dropped = True
            server.transport.close()
            return "250 OK"
        return await super().handle_DATA(server, session, envelope)


def test_a_connection_lost_while_the_message_was_on_its_way_leaves_it_unknown(
    settings, actor, worker, big
):
    inbox = DropsOne()
    port = _free_port()
    peer = Controller(inbox, hostname="127.0.0.1", port=port)
    peer.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        report = campaign_send(actor=actor, scope=worker, campaign=big)
    finally:
        peer.stop()

    row = CampaignRecipient.objects.get(campaign=big, email="henkilo2@asiakas.fi")
    assert row.status == RecipientStatus.UNKNOWN
    assert (report.sent, report.unknown) == (5, 1)
    assert "henkilo2@asiakas.fi" not in inbox.recipients()
    big.refresh_from_db()
    assert big.status == "sent"


def test_ctrl_c_while_a_message_is_on_its_way_leaves_it_unknown_and_the_rest_queued(
    smtp, actor, worker, big, monkeypatch
):
    import smtplib

    original = smtplib.SMTP.data
    calls = {"n": 0}

    def data(self, msg):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, msg)

    monkeypatch.setattr(smtplib.SMTP, "data", data)
    with pytest.raises(KeyboardInterrupt):
        campaign_send(actor=actor, scope=worker, campaign=big)
    statuses = list(
        CampaignRecipient.objects.filter(campaign=big)
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert statuses == ["sent", "sent", "unknown", "queued", "queued", "queued"]
    big.refresh_from_db()
    assert big.status == "sending"

    report = campaign_send(actor=actor, scope=worker, campaign=big)

    assert report.sent == 3
    assert len(smtp.recipients()) == len(set(smtp.recipients())) == 5
    big.refresh_from_db()
    assert big.status == "sent"
