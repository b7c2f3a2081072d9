"""Reading the queue: what the staff page and /healthz show (no personal data here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from rekisteri.jobs.models import Job, JobRun, JobStatus, Worker
from rekisteri.jobs.registry import jobs, next_slot


def heartbeat_age() -> float | None:
    """Seconds since the latest heartbeat of any worker; None if no worker ever ran."""
    last = Worker.objects.aggregate(at=Max("beat_at"))["at"]
    return None if last is None else (timezone.now() - last).total_seconds()


@dataclass(frozen=True)
class ScheduleRow:
    name: str
    label: str
    when: str
    last: JobRun | None
    next_at: datetime | None


def schedule_overview(now: datetime | None = None) -> list[ScheduleRow]:
    """Every known job: its last run and, if scheduled, its next."""
    now = now or timezone.now()
    rows = []
    for name, task in jobs().items():
        last = JobRun.objects.filter(name=name).order_by("-started_at", "-pk").first()
        rows.append(
            ScheduleRow(
                name=name,
                label=str(task.label),
                when=when_text(task.when),
                last=last,
                next_at=next_slot(task.when, now) if task.when else None,
            )
        )
    return rows


def dead_jobs(limit: int = 50) -> list[Job]:
    """Jobs that failed every attempt: never retried until someone queues them again."""
    return list(Job.objects.filter(status=JobStatus.DEAD).order_by("-finished_at")[:limit])


def recent_runs(limit: int = 50) -> list[JobRun]:
    return list(JobRun.objects.order_by("-started_at", "-pk")[:limit])


def job_for(key: str) -> Job | None:
    return Job.objects.filter(key=key).first()


def label_of(name: str) -> str:
    task = jobs().get(name)
    return str(task.label) if task else name


def when_text(when: str | None) -> str:
    """A schedule expression in the user's words."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    if not when:
        return _("when queued")
    kind, _sep, value = when.partition(" ")
    if kind == "daily":
        return _("every day at %(t)s") % {"t": value}
    n, unit = int(value[:-1]), value[-1]
    if unit == "s":
        return ngettext("every %(n)s second", "every %(n)s seconds", n) % {"n": n}
    if unit == "m":
        return ngettext("every %(n)s minute", "every %(n)s minutes", n) % {"n": n}
    return ngettext("every %(n)s hour", "every %(n)s hours", n) % {"n": n}
