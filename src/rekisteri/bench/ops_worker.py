"""The worker: a campaign sent through `rekisteri worker` beside the direct send, and how
soon a queued job is picked up."""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from rekisteri.bench.measure import Result, fill_bulk, fill_per_item, peak_rss_mb, timed
from rekisteri.bench.ops_marketing import Sink, _campaign, _free_port, _system
from rekisteri.bench.worker import Context, operation

NOOP = "bench-noop"


def noop() -> None:
    """The job whose pick-up is timed: does nothing."""


def _schedule() -> Path:
    """Only the bench's job: the worker runs no scheduled work during the measurement."""
    path = Path(settings.HOME) / "bench-schedule.toml"
    off = ("retention-sweep", "restriction-lifts", "audit-verify", "bounces")
    path.write_text(
        "".join(f'[{name}]\nwhen = "off"\n' for name in off)
        + f'[{NOOP}]\ncallable = "rekisteri.bench.ops_worker.noop"\n'
    )
    from rekisteri.jobs.registry import jobs

    settings.JOBS_SCHEDULE = str(path)
    jobs.cache_clear()
    return path


@contextlib.contextmanager
def worker_child(port: int | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """`rekisteri worker` as a child process on the bench's database, once it beats."""
    from rekisteri.jobs.models import Worker

    env = {**os.environ, "REKISTERI_SCHEDULE": str(_schedule())}
    if port:
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    before = set(Worker.objects.values_list("pk", flat=True))
    proc = subprocess.Popen(  # noqa: S603 - our own console script
        [sys.executable, "-m", "rekisteri.cli", "worker", "--poll", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not Worker.objects.exclude(pk__in=before).exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start")
            time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@operation("worker_send", ">= 500 messages/s, <= 1.2x direct campaign send")
def op_worker_send(ctx: Context, result: Result) -> Result:
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        result.status = "error"
        result.note = "aiosmtpd is not installed (pip install 'rekisteri[bench]')"
        return result
    from rekisteri.marketing.jobs import campaign_enqueue
    from rekisteri.marketing.models import Campaign, CampaignStatus, MailingList
    from rekisteri.marketing.sending import campaign_prepare, campaign_send

    port = _free_port()
    sink = Sink()
    peer = Controller(sink, hostname="127.0.0.1", port=port)
    peer.start()
    keys = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL")
    saved = {k: getattr(settings, k, None) for k in keys}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    lists = list(MailingList.objects.filter(pk=1))
    try:
        scope, actor = _system()
        direct = _campaign(ctx, "Bench: direct", lists=lists)
        campaign_prepare(actor=actor, scope=scope, campaign=direct)
        direct_seconds, report = timed(
            lambda: campaign_send(actor=actor, scope=scope, campaign=direct, rate=0)
        )
        queued = _campaign(ctx, "Bench: through the worker", lists=lists)
        campaign_prepare(actor=actor, scope=scope, campaign=queued)
        before = sink.count
        with worker_child(port):

            def through_worker() -> None:
                campaign_enqueue(queued)
                deadline = time.monotonic() + 600
                while (
                    Campaign.objects.filter(pk=queued.pk).values_list("status", flat=True).get()
                    != CampaignStatus.SENT
                ):
                    if time.monotonic() > deadline:
                        raise RuntimeError("the worker did not finish the campaign")
                    time.sleep(0.05)  # the SMTP peer shares this process: do not starve it

            seconds, _ = timed(through_worker)
        received = sink.count - before
    finally:
        for k, v in saved.items():
            setattr(settings, k, v)
        peer.stop()
    queued.refresh_from_db()
    fill_bulk(result, queued.sent_count, seconds, direct_seconds)
    result.unit = "messages"
    result.peak_memory_mb = peak_rss_mb()
    result.extra = {"received_by_peer": received, "direct_sent": report.sent}
    result.note = (
        "the same list's campaign sent through a running `rekisteri worker` (from *Send* "
        "queueing the job until the campaign is sent, over SMTP to a local aiosmtpd peer); "
        "floor: the direct `campaign send` of the same audience in this process"
    )
    result.why = (
        "the worker's pick-up (polling every 0.2 s) and its own process's start of the send"
    )
    if received != queued.sent_count:
        result.status = "error"
        result.note += f" — the peer received {received}, we recorded {queued.sent_count}"
    return result


@operation("job_pickup", "p95 <= 1 s from queued to started")
def op_job_pickup(ctx: Context, result: Result) -> Result:
    from rekisteri.common.process import worker_identity
    from rekisteri.jobs.models import Job, JobStatus
    from rekisteri.jobs.queue import claim, enqueue, finish

    samples = max(10, min(60, ctx.sample))
    rng = random.Random(7)  # noqa: S311 - spacing of the measurements, not security
    latencies: list[float] = []
    with worker_child():
        start = time.perf_counter()
        for _ in range(samples):
            time.sleep(rng.uniform(0, 0.25))  # the worker is anywhere in its idle wait
            job = enqueue(NOOP)
            deadline = time.monotonic() + 30
            while (
                Job.objects.filter(pk=job.pk).values_list("status", flat=True).get()
                != JobStatus.DONE
            ):
                if time.monotonic() > deadline:
                    raise RuntimeError("the worker did not pick up a job")
                time.sleep(0.005)
            job.refresh_from_db()
            latencies.append((job.started_at - job.created_at).total_seconds() * 1000)
        seconds = time.perf_counter() - start
    # Floor: queueing and claiming in one process, no waiting: what the database costs.
    me = worker_identity("bench")
    floor: list[float] = []
    fstart = time.perf_counter()
    for _ in range(samples):
        t = time.perf_counter()
        enqueue(NOOP)
        job, run = claim(me)  # type: ignore[misc]
        floor.append((time.perf_counter() - t) * 1000)
        finish(job, run, me)
    fseconds = time.perf_counter() - fstart
    fill_per_item(result, seconds, latencies, fseconds, floor)
    result.unit = "jobs"
    result.note = (
        "a job queued while `rekisteri worker` (polling every 0.2 s) waits: the time from "
        "queueing to its start, at random moments; floor: queueing and claiming in one "
        "process with no wait"
    )
    result.why = "the worker looks at an empty queue every 0.2 s: on average half of that"
    return result
