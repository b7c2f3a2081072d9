"""The staff page of background work: each job's last run, outcome and next run, the jobs
that failed for good, and whether a worker is alive."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires
from rekisteri.jobs import queue, selectors


@requires(Cap.VIEW_RETENTION_STATUS)
def status(request: HttpRequest) -> HttpResponse:
    age = selectors.heartbeat_age()
    runs = selectors.recent_runs()
    dead = selectors.dead_jobs()
    return render(
        request,
        "jobs/status.html",
        {
            "schedule": selectors.schedule_overview(),
            "runs": [(r, selectors.label_of(r.name)) for r in runs],
            "dead": [(j, selectors.label_of(j.name)) for j in dead],
            "age": None if age is None else int(age),
            "alive": age is not None and age < queue.LEASE_SECONDS,
        },
    )
