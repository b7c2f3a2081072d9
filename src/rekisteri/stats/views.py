"""The statistics page: anonymous aggregates of the user's own group companies."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rekisteri.access.gate import scope_of, staff
from rekisteri.stats.selectors import stats_report, stats_threshold


@staff
def report(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    threshold = stats_threshold()
    tables = stats_report(controller_ids=scope.controller_ids, threshold=threshold)
    view = [
        {
            "t": t,
            "rows": [(r.label, [r.values[m] for m in t.metrics]) for r in t.rows],
        }
        for t in tables
    ]
    return render(request, "stats/report.html", {"tables": view, "threshold": threshold})
