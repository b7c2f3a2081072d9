"""`rekisteri worker` as real processes: killed with SIGKILL mid-send and started again,
every recipient gets the campaign once and the campaign finishes; two workers never run the
same job. On PostgreSQL the processes use the test's own database (a transactional test);
on SQLite a file database under the test's REKISTERI_HOME (the test database is in memory).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from rekisteri.jobs.tests.probes import schedule_file
from rekisteri.marketing.tests.conftest import Inbox
from rekisteri.marketing.tests.test_send_killed import SETUP, env, peer, rekisteri, run, state

__all__ = ["env", "peer"]  # fixtures shared with marketing's kill test

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 1200

ENQUEUE_CAMPAIGN = r"""
import django, sys
django.setup()
from rekisteri.marketing.jobs import campaign_enqueue
from rekisteri.marketing.models import Campaign
print(campaign_enqueue(Campaign.objects.get(pk=int(sys.argv[1]))).pk)
"""

ENQUEUE_PROBES = r"""
import django, sys
django.setup()
from rekisteri.jobs.queue import enqueue
for n in range(int(sys.argv[1])):
    enqueue("probe-record", kwargs={"n": n, "sleep": 0.002})
"""

JOBS = r"""
import django, json
django.setup()
from rekisteri.jobs.models import Job, JobRun
print(json.dumps({
    "jobs": list(Job.objects.values_list("status", "attempts")),
    "runs": JobRun.objects.count(),
}))
"""


def worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own console script
        [rekisteri(), "worker", "--poll", "0.05", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when(proc: subprocess.Popen[str], peer: Inbox, received: int) -> None:
    deadline = time.monotonic() + 240
    while len(peer.envelopes) < received and proc.poll() is None:
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.002)
    if proc.poll() is not None:
        _out, err = proc.communicate()
        pytest.fail(f"the worker stopped by itself (exit {proc.returncode}): {err[-2000:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_worker_killed_mid_send_and_started_again_sends_everyone_once(
    env: dict[str, str], peer: Inbox
) -> None:
    env["REKISTERI_SCHEDULE"] = "off"
    campaign = run([sys.executable, "-c", SETUP, str(RECIPIENTS)], env).strip()
    run([sys.executable, "-c", ENQUEUE_CAMPAIGN, campaign], env)

    kill_when(worker(env), peer, received=300)
    first = len(peer.envelopes)
    # Started again at once: the killed worker's job and campaign lease are free at once.
    kill_when(worker(env), peer, received=first + 400)
    assert state(env, campaign)["status"] == "sending"
    last = worker(env, "--until-idle")
    out, err = last.communicate(timeout=300)
    assert last.returncode == 0, err[-3000:]

    delivered = Counter(r for _sender, rcpts in peer.envelopes for r in rcpts)
    after = state(env, campaign)
    rows = after["rows"]
    assert len(rows) == RECIPIENTS
    duplicates = [r for r, n in delivered.items() if n > 1]
    assert duplicates == [], f"{len(duplicates)} recipients got the message twice"
    # A message on its way at the kill may have arrived: reported "unknown", never resent.
    unknown = {email for email, status in rows.items() if status == "unknown"}
    missing = [email for email in rows if email not in delivered]
    assert set(missing) <= unknown, f"{len(missing)} recipients got nothing"
    assert len(unknown) <= 2  # one per kill at most
    assert set(rows.values()) <= {"sent", "unknown"}
    assert after["status"] == "sent"
    jobs = json.loads(run([sys.executable, "-c", JOBS], env))["jobs"]
    assert jobs == [["done", 3]]  # two attempts killed, the third finished


def test_two_workers_never_run_the_same_job(env: dict[str, str], tmp_path: Path) -> None:
    env["REKISTERI_SCHEDULE"] = str(schedule_file(tmp_path))
    n = 300
    run([sys.executable, "-c", ENQUEUE_PROBES, str(n)], env)
    workers = [worker(env, "--until-idle") for _ in range(2)]
    for proc in workers:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]

    lines = (tmp_path / "probe.log").read_text().split("\n")[:-1]
    counts = Counter(line.split()[0] for line in lines)
    assert sorted(int(k) for k in counts) == list(range(n))
    assert set(counts.values()) == {1}, "a job ran twice"
    done = json.loads(run([sys.executable, "-c", JOBS], env))
    assert done["jobs"] == [["done", 1]] * n
    assert done["runs"] == n
