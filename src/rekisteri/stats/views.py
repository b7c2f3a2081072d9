"""The statistics page: anonymous aggregates of the user's own group companies."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from rekisteri.access.gate import scope_of, staff
from rekisteri.register.models import RelationshipKind
from rekisteri.stats.selectors import stats_report, stats_threshold

#: the reports' column names (the API's keys) in the user's words
HEADINGS = {
    "industry": _("industry"),
    "country / city": _("country / city"),
    "kind": _("relationship"),
    "event": _("event"),
    "campaign": _("campaign"),
    "persons": _("persons"),
    "registered": _("registered"),
    "attended": _("attended"),
    "sent": _("sent"),
    "opened": _("opened"),
    "clicked": _("clicked"),
}


def _heading(key: str) -> str:
    return str(HEADINGS.get(key, key))


def _row_label(table_key: str, label: str) -> str:
    """A group's name: a relationship's kind by its label; "unknown" in the user's words."""
    if label == "unknown":
        return str(_("unknown"))
    if table_key == "relationship" and label in RelationshipKind.values:
        return str(RelationshipKind(label).label)
    return label


@staff
def report(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    threshold = stats_threshold()
    tables = stats_report(controller_ids=scope.controller_ids, threshold=threshold)
    view = [
        {
            "t": t,
            "group": _heading(t.group),
            "metrics": [_heading(m) for m in t.metrics],
            "rows": [
                (
                    r.label if r.label == "other" else _row_label(t.key, r.label),
                    [r.values[m] for m in t.metrics],
                )
                for r in t.rows
            ],
        }
        for t in tables
    ]
    return render(request, "stats/report.html", {"tables": view, "threshold": threshold})
