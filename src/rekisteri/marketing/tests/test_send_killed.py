"""A campaign send killed with SIGKILL twice and resumed (issue 14, item 3).

Real processes (`rekisteri campaign send`) send 3,000 messages to a real SMTP peer
(aiosmtpd, in the test process); the test kills the sender twice mid-send and starts it
again at once. The database is the test's own on PostgreSQL (a transactional test, so the
processes see its rows) and a file of its own on SQLite (the test database is in memory).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from rekisteri.marketing.tests.conftest import Inbox, _free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 3000

SETUP = r"""
import django, sys
django.setup()
from rekisteri.audit.services import Actor
from rekisteri.catalogue.services import catalogue_load
from rekisteri.imports.services import import_persons
from rekisteri.marketing.models import Campaign
from rekisteri.register.models import Controller, Person
from rekisteri.register.services import SourceRef
from rekisteri.testing.fixtures import DEMO_CATALOGUE
actor = Actor("test")
catalogue_load(text=DEMO_CATALOGUE.read_text(), source_name="demo", actor=actor)
c = Controller.objects.get(code="esimerkki-fi")
n = int(sys.argv[1])
rows = [
    (i + 2, {"first_name": "Henkilö", "last_name": f"Numero{i}", "email": f"h{i}@asiakas.fi"})
    for i in range(n)
]
report = import_persons(actor=actor, controller=c, rows=rows, source=SourceRef(name="test"))
assert report.ok and report.created == n, report.summary()
Person.objects.update(is_contact_person=True)
campaign = Campaign.objects.create(
    controller=c, name="Iso", subject_fi="Hei {first_name}", body_fi="Uutisia", rate=0
)
print(campaign.pk)
"""

STATE = r"""
import django, json, sys
django.setup()
from rekisteri.marketing.models import Campaign, CampaignRecipient
campaign = Campaign.objects.get(pk=int(sys.argv[1]))
rows = dict(CampaignRecipient.objects.filter(campaign=campaign).values_list("email", "status"))
print(json.dumps({"status": campaign.status, "rows": rows}))
"""


@pytest.fixture
def peer() -> Any:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port  # type: ignore[attr-defined]
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def env(tmp_path: Path, peer: Inbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        REKISTERI_HOME=str(tmp_path),
        DJANGO_SETTINGS_MODULE="rekisteri.settings",
        EMAIL_URL=f"smtp://127.0.0.1:{peer.port}",  # type: ignore[attr-defined]
    )
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    else:
        run([rekisteri(), "migrate", "-v", "0"], env)
    return env


def rekisteri() -> str:
    return str(Path(sys.executable).with_name("rekisteri"))


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def state(env: dict[str, str], campaign: str) -> dict[str, Any]:
    return json.loads(run([sys.executable, "-c", STATE, campaign], env))


def send_until(env: dict[str, str], campaign: str, peer: Inbox, received: int) -> None:
    """Start a sender and kill it with SIGKILL once the peer has `received` messages."""
    proc = subprocess.Popen(  # noqa: S603 - our own console script
        [rekisteri(), "campaign", "send", campaign, "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    while len(peer.envelopes) < received and proc.poll() is None:
        assert time.monotonic() < deadline, "the sender made no progress"
        time.sleep(0.002)
    if proc.poll() is not None:
        out, err = proc.communicate()
        pytest.fail(f"the sender stopped by itself (exit {proc.returncode}): {err[-2000:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_killed_twice_and_resumed_delivers_everyone_once_or_reports_unknown(
    env: dict[str, str], peer: Inbox
) -> None:
    campaign = run([sys.executable, "-c", SETUP, str(RECIPIENTS)], env).strip()

    send_until(env, campaign, peer, received=700)
    first = len(peer.envelopes)
    # Started at once after the kill: the dead worker's lease must not hold it back.
    send_until(env, campaign, peer, received=first + 1000)
    assert state(env, campaign)["status"] == "sending"
    out = run([rekisteri(), "campaign", "send", campaign, "--no-progress"], env)

    delivered = Counter(r for _sender, rcpts in peer.envelopes for r in rcpts)
    after = state(env, campaign)
    rows = after["rows"]
    assert len(rows) == RECIPIENTS
    duplicates = [r for r, n in delivered.items() if n > 1]
    assert duplicates == [], f"{len(duplicates)} recipients got the message twice"
    unknown = {email for email, status in rows.items() if status == "unknown"}
    lost = [email for email in rows if email not in delivered and email not in unknown]
    assert lost == [], f"{len(lost)} recipients neither delivered nor reported unknown"
    # Only what a killed worker may have had on its way is unknown: one per kill at most.
    assert len(unknown) <= 2
    recorded = {email for email, status in rows.items() if status == "sent"}
    assert recorded <= set(delivered), "a message was recorded sent that the peer never got"
    assert set(rows.values()) <= {"sent", "unknown"}
    assert after["status"] == "sent"
    assert "remaining 0" in out
