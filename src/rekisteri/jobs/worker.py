"""`rekisteri worker`: one process that runs the queued jobs and the schedule.

The loop: write the heartbeat, settle the jobs of dead workers (jobs.queue.recover), queue
the schedule's due slots, then claim and run one job; when nothing is due, sleep a moment
(`poll`, 0.2 s: a queued job is picked up well within a second). A thread writes the
heartbeat every few seconds while a long job (a campaign) runs, so that /healthz and other
workers see this worker alive. SIGTERM or Ctrl-C stops the job in hand the way the job
itself stops on an exception (a campaign puts its unsent rows back), puts it back in the
queue and exits.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import (
    IntegrityError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone
from django.utils.module_loading import import_string

from rekisteri.common.process import worker_identity
from rekisteri.jobs import queue
from rekisteri.jobs.models import Job, JobRun, JobStatus, RunOutcome, Worker
from rekisteri.jobs.registry import jobs, slot, task_of


class Stop(BaseException):  # noqa: N818 - not an error: the worker was asked to stop
    """Raised in the worker's main thread by SIGTERM."""


def schedule_due(now: datetime) -> list[Job]:
    """Queue each scheduled job's latest slot, once (the slot is the job's key, so two
    workers queue it once between them). Slots before the first worker ever started are
    not caught up: installing Rekisteri does not run last night's sweep."""
    first = Worker.objects.order_by("started_at").values_list("started_at", flat=True).first()
    queued = []
    for name, task in jobs().items():
        if not task.when:
            continue
        at = slot(task.when, now)
        if first is None or at < first:
            continue
        key = f"schedule:{name}:{at.isoformat()}"
        if Job.objects.filter(key=key).exists():
            continue
        with contextlib.suppress(IntegrityError), transaction.atomic():
            queued.append(
                Job.objects.create(name=name, key=key, run_after=at, max_attempts=task.max_attempts)
            )
    return queued


def run_job(job: Job) -> None:
    func: Callable[..., Any] = import_string(task_of(job.name).path)
    func(**job.kwargs)


class Runner:
    def __init__(self, *, poll: float = 0.2) -> None:
        # Fail closed at start: a job whose callable is gone is an ImportError now.
        for task in jobs().values():
            import_string(task.path)
        self.identity = worker_identity(uuid.uuid4().hex[:8])
        self.poll = poll
        self.ran = 0
        self._stopping = threading.Event()
        self._last_recover = 0.0
        self._last_schedule = 0.0
        self._release = False

    # --- the heartbeat thread ---

    def _beating(self) -> None:
        while not self._stopping.wait(queue.BEAT_SECONDS):
            try:
                queue.beat(self.identity)
            except Exception:  # noqa: BLE001,S110 - a missed beat is retried in a moment
                pass
            finally:
                close_old_connections()
        connection.close()

    # --- one turn of the loop ---

    def step(self) -> bool:
        """Run one due job; False when there was none."""
        if self._release:
            Job.objects.filter(claimed_by=self.identity, status=JobStatus.RUNNING).update(
                status=JobStatus.QUEUED, claimed_by=""
            )
            JobRun.objects.filter(worker=self.identity, outcome=RunOutcome.RUNNING).update(
                outcome=RunOutcome.INTERRUPTED, finished_at=timezone.now()
            )
            self._release = False
        now = time.monotonic()
        if now - self._last_recover >= queue.BEAT_SECONDS:
            self._last_recover = now
            queue.beat(self.identity)
            queue.recover(self.identity)
        if now - self._last_schedule >= 1.0:
            self._last_schedule = now
            schedule_due(timezone.now())
        claimed = queue.claim(self.identity)
        if claimed is None:
            return False
        job, run = claimed
        try:
            run_job(job)
        except (Stop, KeyboardInterrupt):
            queue.interrupted(job, run, self.identity)
            raise
        except Exception as exc:  # noqa: BLE001 - recorded, retried or dead
            queue.finish(job, run, self.identity, exc)
        else:
            queue.finish(job, run, self.identity)
        self.ran += 1
        return True

    def run(self, *, until_idle: bool = False, max_jobs: int | None = None) -> int:
        """Work until stopped (or, with until_idle, until nothing is due); jobs run."""
        queue.beat(self.identity)
        beater = threading.Thread(target=self._beating, name="heartbeat", daemon=True)
        beater.start()
        previous = signal.signal(signal.SIGTERM, _raise_stop)
        try:
            while max_jobs is None or self.ran < max_jobs:
                try:
                    ran = self.step()
                except OperationalError:
                    # The database went away or stayed locked: try again in a moment rather
                    # than exit; a job this worker still holds goes back to the queue first.
                    connection.close()
                    time.sleep(max(self.poll, 1.0))
                    self._release = True
                    continue
                if not ran:
                    if until_idle:
                        break
                    time.sleep(self.poll)
                if not connection.in_atomic_block:  # (a test's transaction: kept)
                    close_old_connections()
        except (Stop, KeyboardInterrupt):
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            self._stopping.set()
            beater.join(timeout=queue.BEAT_SECONDS + 1)
            with contextlib.suppress(Exception):
                queue.beat(self.identity, stopped=True)
        return self.ran


def _raise_stop(signum: int, frame: Any) -> None:
    raise Stop
