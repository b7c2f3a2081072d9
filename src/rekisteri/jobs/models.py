"""The job queue, the record of every run, and the workers' heartbeats.

No personal data is stored here: a job's arguments are ids (a campaign's), and a run's
error is the exception's class and the place in Rekisteri's code where it was raised,
never its message (jobs/queue.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    DEAD = "dead", _("failed, not retried")


class Job(models.Model):
    """One piece of work: a named callable with keyword arguments, run once to the end."""

    name = models.CharField(max_length=64)  # a key of jobs.registry.JOBS
    kwargs = models.JSONField(default=dict, blank=True)
    # Work that must not be queued twice (a campaign's send, a schedule's slot): unique.
    key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    run_after = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["status", "run_after"], name="job_due")]

    def __str__(self) -> str:
        return f"job {self.pk} {self.name}"


class RunOutcome(models.TextChoices):
    RUNNING = "running", _("running")
    OK = "ok", _("succeeded")
    FAILED = "failed", _("failed, will be retried")
    DEAD = "dead", _("failed, not retried")
    INTERRUPTED = "interrupted", _("interrupted, will be resumed")


class JobRun(models.Model):
    """One attempt at a job: when, by which worker, how it ended."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="runs")
    name = models.CharField(max_length=64, db_index=True)
    worker = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=12, choices=RunOutcome.choices, default=RunOutcome.RUNNING
    )
    error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_last")]


class Worker(models.Model):
    """A worker process and its heartbeat (updated every few seconds while it lives)."""

    identity = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
