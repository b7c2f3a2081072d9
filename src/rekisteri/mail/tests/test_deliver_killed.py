"""The outbox's sender killed with SIGKILL twice and started again (issue 16, item 3).

Real processes (`rekisteri outbox deliver`) send 400 queued messages to a real SMTP peer
(aiosmtpd, in the test process); the test kills the sender twice mid-run and starts it again
at once. Nobody gets a message twice; every message ends `sent` or, where the sender died
while handing it over, `unknown` (at most one per kill), and the peer holds each `sent` one.
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
from django.db import connection

from rekisteri.testing.smtp import Peer, smtp_peer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MESSAGES = 400

SETUP = r"""
import django, sys
django.setup()
from django.db import transaction
from rekisteri.audit.services import Actor
from rekisteri.catalogue.services import catalogue_load
from rekisteri.mail.outbox import enqueue
from rekisteri.register.models import Controller
from rekisteri.testing.fixtures import DEMO_CATALOGUE
catalogue_load(text=DEMO_CATALOGUE.read_text(), source_name="demo", actor=Actor("test"))
c = Controller.objects.get(code="esimerkki-fi")
with transaction.atomic():
    for i in range(int(sys.argv[1])):
        enqueue(controller_id=c.pk, to=f"h{i}@asiakas.fi", subject="Hei", body="Viesti",
                kind="rights_notice")
"""

STATE = r"""
import django, json
django.setup()
from rekisteri.mail.models import Message
print(json.dumps(dict(Message.objects.values_list("to_address", "status"))))
"""


def rekisteri() -> str:
    return str(Path(sys.executable).with_name("rekisteri"))


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def peer(settings: Any) -> Any:
    with smtp_peer(settings) as p:
        yield p


@pytest.fixture
def env(tmp_path: Path, peer: Peer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        REKISTERI_HOME=str(tmp_path),
        DJANGO_SETTINGS_MODULE="rekisteri.settings",
        EMAIL_URL=f"smtp://127.0.0.1:{peer.port}",
    )
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    else:
        run([rekisteri(), "migrate", "-v", "0"], env)
    return env


def deliver_until(env: dict[str, str], peer: Peer, received: int) -> None:
    proc = subprocess.Popen(  # noqa: S603 - our own console script
        [rekisteri(), "outbox", "deliver", "--limit", str(MESSAGES)],
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
        _out, err = proc.communicate()
        pytest.fail(f"the sender stopped by itself (exit {proc.returncode}): {err[-2000:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_killed_twice_and_started_again_sends_everyone_once_or_reports_unknown(
    env: dict[str, str], peer: Peer
) -> None:
    run([sys.executable, "-c", SETUP, str(MESSAGES)], env)
    deliver_until(env, peer, received=100)
    deliver_until(env, peer, received=len(peer.envelopes) + 100)
    out = run([rekisteri(), "outbox", "deliver", "--limit", str(MESSAGES)], env)
    assert "remaining 0" in out
    assert "@" not in out, "no address on stdout"

    status = json.loads(run([sys.executable, "-c", STATE], env))
    got = Counter(peer.recipients())
    assert max(got.values()) == 1, "nobody got a message twice"
    assert set(status.values()) <= {"sent", "unknown"}
    unknown = [a for a, s in status.items() if s == "unknown"]
    assert len(unknown) <= 2, "at most the message in flight at each kill"
    assert all(got[a] == 1 for a, s in status.items() if s == "sent")
    assert len(got) >= MESSAGES - len(unknown)
