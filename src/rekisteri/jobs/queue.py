"""The job queue on the database: queue, claim, finish, and settle what dead workers held.

Design (docs/worker.md):
- **Claiming is safe with any number of workers.** On PostgreSQL a worker takes the oldest
  due job with SELECT … FOR UPDATE SKIP LOCKED (two workers never wait for or take the same
  row); on SQLite with a conditional UPDATE (`status = queued` → `running`) inside a
  BEGIN IMMEDIATE transaction (the settings' transaction mode), which only one writer at a
  time can make, so only one worker sees its UPDATE change the row.
- **A claim names a process** (common.process): a worker killed on this host is recognised
  at once by its process being gone, one on another host when its heartbeat is older than
  the lease. Its job goes back to the queue (the attempt counts) for any worker to run.
  A job must therefore be safe to run again: campaign sending is (marketing.recovery).
- **Retries back off** (30 s, 1 min, 2 min, … up to an hour; JOBS_RETRY_BASE_SECONDS); a
  job that fails `max_attempts` times is `dead`: never retried, shown on the staff page.
- **Every attempt is a JobRun** with its outcome. Its error is the exception's class and the
  place in Rekisteri's code it came from, never the message, which may name a person.
"""

from __future__ import annotations

import traceback
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from rekisteri.common.process import worker_is_dead
from rekisteri.jobs.models import Job, JobRun, JobStatus, RunOutcome, Worker
from rekisteri.jobs.registry import task_of

#: A worker's heartbeat is written this often; a worker silent for LEASE_SECONDS is dead.
BEAT_SECONDS = 5
LEASE_SECONDS = 60


def enqueue(
    name: str,
    *,
    kwargs: dict[str, Any] | None = None,
    key: str | None = None,
    run_after: datetime | None = None,
) -> Job:
    """Queue the job `name` (jobs.registry); with a `key`, at most one such job exists: a
    second call returns the first (and queues a dead one again, with fresh attempts)."""
    task = task_of(name)  # an unknown name is an error here, not in the worker
    now = timezone.now()
    try:
        with transaction.atomic():
            return Job.objects.create(
                name=name,
                kwargs=kwargs or {},
                key=key,
                run_after=run_after or now,
                max_attempts=task.max_attempts,
            )
    except IntegrityError:
        if key is None:
            raise
    Job.objects.filter(key=key, status=JobStatus.DEAD).update(
        status=JobStatus.QUEUED, attempts=0, run_after=now, error="", claimed_by=""
    )
    return Job.objects.get(key=key)


def _start(job_id: int, identity: str, now: datetime) -> tuple[Job, JobRun]:
    job = Job.objects.get(pk=job_id)
    run = JobRun.objects.create(job=job, name=job.name, worker=identity, started_at=now)
    return job, run


def claim(identity: str) -> tuple[Job, JobRun] | None:
    """Take the oldest due job for this worker, or None when nothing is due."""
    now = timezone.now()
    due = Job.objects.filter(status=JobStatus.QUEUED, run_after__lte=now).order_by(
        "run_after", "pk"
    )
    taken = {
        "status": JobStatus.RUNNING,
        "claimed_by": identity,
        "attempts": F("attempts") + 1,
        "started_at": now,
        "finished_at": None,
    }
    if connection.vendor == "postgresql":
        with transaction.atomic():
            pk = due.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if pk is None:
                return None
            Job.objects.filter(pk=pk).update(**taken)
            return _start(pk, identity, now)
    for pk in due.values_list("pk", flat=True)[:8]:
        with transaction.atomic():  # BEGIN IMMEDIATE: one writer at a time
            if Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(**taken):
                return _start(pk, identity, now)
    return None


def backoff(attempts: int) -> timedelta:
    base = getattr(settings, "JOBS_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def error_summary(exc: BaseException) -> str:
    """The exception's class and where in Rekisteri it was raised; never its message."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/rekisteri/" in f.filename.replace("\\", "/")]
    where = ""
    if ours:
        frame = ours[-1]
        module = frame.filename.replace("\\", "/").rsplit("/rekisteri/", 1)[-1]
        where = f" in {module.removesuffix('.py').replace('/', '.')}:{frame.lineno}"
    return f"{type(exc).__name__}{where}"[:200]


def finish(job: Job, run: JobRun, identity: str, exc: BaseException | None = None) -> str:
    """Record how the attempt ended; the job's new status ("" if another worker took it)."""
    now = timezone.now()
    mine = Job.objects.filter(pk=job.pk, claimed_by=identity, status=JobStatus.RUNNING)
    with transaction.atomic():
        job.refresh_from_db(fields=["attempts", "max_attempts"])
        if exc is None:
            status, outcome, error = JobStatus.DONE, RunOutcome.OK, ""
            changed = mine.update(status=status, finished_at=now, error="")
        else:
            error = error_summary(exc)
            if job.attempts >= job.max_attempts:
                status, outcome = JobStatus.DEAD, RunOutcome.DEAD
                changed = mine.update(status=status, finished_at=now, error=error)
            else:
                status, outcome = JobStatus.QUEUED, RunOutcome.FAILED
                changed = mine.update(
                    status=status,
                    claimed_by="",
                    run_after=now + backoff(job.attempts),
                    error=error,
                )
        JobRun.objects.filter(pk=run.pk).update(finished_at=now, outcome=outcome, error=error)
    return status if changed else ""


def interrupted(job: Job, run: JobRun, identity: str) -> None:
    """The worker was asked to stop (SIGTERM, Ctrl-C) mid-job: back to the queue at once,
    the attempt not counted; the job resumes where it stopped."""
    now = timezone.now()
    with transaction.atomic():
        Job.objects.filter(pk=job.pk, claimed_by=identity, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, claimed_by="", run_after=now, attempts=F("attempts") - 1
        )
        JobRun.objects.filter(pk=run.pk).update(finished_at=now, outcome=RunOutcome.INTERRUPTED)


def _holder_dead(holder: str, beats: dict[str, datetime], now: datetime) -> bool:
    if holder and worker_is_dead(holder):
        return True
    beat = beats.get(holder)
    return beat is None or beat < now - timedelta(seconds=LEASE_SECONDS)


def recover(identity: str) -> int:
    """Put the jobs of dead workers back in the queue (or make them dead when that was their
    last attempt); returns how many were settled."""
    now = timezone.now()
    held = list(
        Job.objects.filter(status=JobStatus.RUNNING)
        .exclude(claimed_by=identity)
        .values_list("pk", "claimed_by", "attempts", "max_attempts", "started_at")
    )
    if not held:
        return 0
    holders = {h for _pk, h, *_rest in held}
    beats = dict(Worker.objects.filter(identity__in=holders).values_list("identity", "beat_at"))
    settled = 0
    for pk, holder, attempts, max_attempts, started in held:
        if not _holder_dead(holder, beats, now):
            continue
        if holder not in beats and started and started > now - timedelta(seconds=LEASE_SECONDS):
            continue  # its worker row may not be written yet
        last = attempts >= max_attempts
        error = "the worker stopped while running it"
        with transaction.atomic():
            n = Job.objects.filter(pk=pk, claimed_by=holder, status=JobStatus.RUNNING).update(
                status=JobStatus.DEAD if last else JobStatus.QUEUED,
                claimed_by=holder if last else "",
                run_after=now,
                finished_at=now if last else None,
                error=error,
            )
            if n:
                JobRun.objects.filter(job_id=pk, worker=holder, outcome=RunOutcome.RUNNING).update(
                    finished_at=now,
                    outcome=RunOutcome.DEAD if last else RunOutcome.INTERRUPTED,
                    error=error,
                )
                settled += n
    return settled


def beat(identity: str, *, stopped: bool = False) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {"beat_at": now}
    if stopped:
        changes["stopped_at"] = now
    Worker.objects.update_or_create(
        identity=identity, defaults=changes, create_defaults={**changes, "started_at": now}
    )
