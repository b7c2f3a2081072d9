"""The queue in one process: retries and their end, the record of runs, the schedule, the
staff page, and a dead worker's job taken back at once."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from rekisteri.common.process import worker_identity
from rekisteri.jobs import queue
from rekisteri.jobs.models import Job, JobRun, JobStatus, RunOutcome, Worker
from rekisteri.jobs.registry import check_when, jobs, next_slot, slot
from rekisteri.jobs.selectors import heartbeat_age, schedule_overview
from rekisteri.jobs.worker import Runner, schedule_due

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_failing_job_is_retried_then_stops_and_the_dpo_sees_it(probe_jobs, staff) -> None:
    job = queue.enqueue("probe-fail")
    runner = Runner(poll=0)
    assert runner.run(until_idle=True) == 3  # three attempts, then no more

    job.refresh_from_db()
    assert job.status == JobStatus.DEAD
    assert job.attempts == 3
    outcomes = list(JobRun.objects.filter(job=job).order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [RunOutcome.FAILED, RunOutcome.FAILED, RunOutcome.DEAD]
    # The error says what and where, never the message (it named a person).
    assert job.error.startswith("ValueError in jobs.tests.probes:")
    assert "Maija" not in job.error and "@" not in job.error

    html = login(staff["dpo"]).get("/staff/jobs/", headers={"accept-language": "en"})
    text = html.content.decode()
    assert html.status_code == 200
    assert "Failed for good" in text and "ValueError in jobs.tests.probes" in text
    assert "failed, not retried" in text
    assert "Maija" not in text


def test_retries_wait_longer_each_time() -> None:
    assert [queue.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert queue.backoff(30).total_seconds() == 3600


def test_queueing_the_same_work_twice_gives_one_job_and_a_dead_one_is_queued_again(
    probe_jobs,
) -> None:
    first = queue.enqueue("probe-fail", key="once")
    assert queue.enqueue("probe-fail", key="once").pk == first.pk
    Runner(poll=0).run(until_idle=True)
    again = queue.enqueue("probe-fail", key="once")
    assert again.pk == first.pk and again.status == JobStatus.QUEUED and again.attempts == 0
    with pytest.raises(LookupError):
        queue.enqueue("no-such-job")


def test_a_killed_workers_job_goes_back_to_the_queue_at_once(probe_jobs, tmp_path) -> None:
    # The identity a worker process had, after that process has ended.
    dead = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "from rekisteri.common.process import worker_identity; print(worker_identity('x'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    job = queue.enqueue("probe-record", kwargs={"n": 1})
    job_, _run = queue.claim(dead)  # type: ignore[misc]
    queue.beat(dead)  # its heartbeat is fresh: only its process being gone tells
    assert job_.pk == job.pk
    assert queue.claim(worker_identity("other")) is None  # running: nobody else takes it

    Runner(poll=0).run(until_idle=True)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert (tmp_path / "probe.log").read_text().count("\n") == 1
    outcomes = set(JobRun.objects.filter(job=job).values_list("outcome", flat=True))
    assert outcomes == {RunOutcome.INTERRUPTED, RunOutcome.OK}


def test_a_live_workers_job_is_left_alone(probe_jobs) -> None:
    me = worker_identity("alive")  # this very process
    queue.enqueue("probe-record", kwargs={"n": 1})
    queue.claim(me)
    queue.beat(me)
    assert queue.recover(worker_identity("other")) == 0
    assert Job.objects.get().status == JobStatus.RUNNING


def test_schedule_slots_and_their_words() -> None:
    now = datetime(2026, 3, 1, 10, 7, 30, tzinfo=UTC)
    assert slot("every 15m", now) == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert next_slot("every 15m", now) == datetime(2026, 3, 1, 10, 15, tzinfo=UTC)
    daily = slot("daily 02:30", now)
    assert timezone.localtime(daily).hour == 2 and daily <= now
    assert next_slot("daily 02:30", now) - daily == timedelta(days=1)
    for bad in ("every 0m", "hourly", "daily 25:00", "every 5 minutes"):
        with pytest.raises(Exception, match="is not"):
            check_when(bad)


def test_a_scheduled_slot_is_queued_once_and_not_caught_up_before_the_first_worker(
    probe_jobs, settings, tmp_path
) -> None:
    settings.JOBS_SCHEDULE = str(tmp_path / "s.toml")
    (tmp_path / "s.toml").write_text(
        '[probe-record]\ncallable = "rekisteri.jobs.tests.probes.record"\nwhen = "every 1h"\n'
    )
    jobs.cache_clear()
    now = timezone.now()
    assert schedule_due(now) == []  # no worker ever ran: nothing to catch up
    Worker.objects.create(identity="w", started_at=now - timedelta(days=2), beat_at=now)
    assert "probe-record" in [j.name for j in schedule_due(now)]
    assert schedule_due(now) == []  # each slot is queued once
    with translation.override("en"):
        row = next(r for r in schedule_overview(now) if r.name == "probe-record")
        assert row.next_at is not None and row.next_at > now
        assert row.when == "every 1 hour"


def test_heartbeat_age_is_none_until_a_worker_beats(probe_jobs) -> None:
    assert heartbeat_age() is None
    queue.beat("w")
    age = heartbeat_age()
    assert age is not None and age >= 0


def test_sales_may_not_see_background_work(staff) -> None:
    assert login(staff["sales"]).get("/staff/jobs/").status_code == 403


def test_a_bad_schedule_file_stops_the_worker_naming_the_entry(settings, tmp_path) -> None:
    from django.core.management import CommandError, call_command

    (tmp_path / "s.toml").write_text('[retention-sweep]\nwhen = "hourly"\n')
    settings.JOBS_SCHEDULE = str(tmp_path / "s.toml")
    jobs.cache_clear()
    try:
        with pytest.raises(CommandError, match=r"\[retention-sweep\].*hourly"):
            call_command("worker", "--until-idle")
    finally:
        jobs.cache_clear()
