"""Anonymous statistics: aggregates of the register with small groups suppressed.

Each report counts distinct persons (or messages) per group and passes the counts through
`suppression.suppress`, so no figure below the threshold (REKISTERI_STATS_THRESHOLD, default
5) ever leaves this module. Persons whose processing is restricted (Art. 18) are left out:
their data is only stored. The interaction and marketing models are imported directly: a
missing one is an error at start-up, never a report that silently leaves a table out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from rekisteri.common.env import ConfigError, env_int
from rekisteri.interactions.models import EventRegistration, RegistrationStatus
from rekisteri.marketing.models import CampaignRecipient, RecipientStatus, TrackingKind
from rekisteri.register.models import Person
from rekisteri.stats.suppression import Row, suppress


def stats_threshold() -> int:
    value = getattr(settings, "STATS_THRESHOLD", None)
    if value is None:
        value = env_int("REKISTERI_STATS_THRESHOLD", 5)
    if int(value) < 2:
        raise ConfigError("REKISTERI_STATS_THRESHOLD must be at least 2")
    return int(value)


@dataclass
class Table:
    key: str
    title: Any
    group: str
    metrics: list[str]
    rows: list[Row] = field(default_factory=list)
    suppressed_rows: int = 0
    suppressed_cells: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "group": self.group,
            "metrics": self.metrics,
            "rows": [{"group": r.label, **r.values} for r in self.rows],
            "suppressed_groups": self.suppressed_rows,
            "suppressed_cells": self.suppressed_cells,
        }


def _table(
    key: str, title: Any, group: str, metrics: list[str], counts: dict[str, dict[str, int]], t: int
) -> Table:
    s = suppress(counts, metrics, t)
    return Table(key, title, group, metrics, s.rows, s.suppressed_rows, s.suppressed_cells)


def _persons(controller_ids: Iterable[int]) -> Any:
    return Person.objects.filter(
        controller_id__in=list(controller_ids), restricted_since__isnull=True
    )


def _by(qs: Any, key: str, metric: str = "persons") -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for value, n in qs.values_list(key).annotate(n=Count("pk", distinct=True)).order_by():
        label = str(value) if value not in (None, "") else "unknown"
        out.setdefault(label, {metric: 0})[metric] += n
    return out


def persons_by_industry(controller_ids: Iterable[int], t: int) -> Table:
    qs = _persons(controller_ids).filter(affiliations__isnull=False)
    counts = _by(qs, "affiliations__organization__industry")
    return _table(
        "industry",
        _("Persons by industry of their organisation"),
        "industry",
        ["persons"],
        counts,
        t,
    )


def persons_by_region(controller_ids: Iterable[int], t: int) -> Table:
    qs = _persons(controller_ids).filter(affiliations__isnull=False)
    counts: dict[str, dict[str, int]] = {}
    rows = (
        qs.values_list("affiliations__organization__country", "affiliations__organization__city")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for country, city, n in rows:
        label = f"{country or '?'} / {city or 'unknown'}"
        counts.setdefault(label, {"persons": 0})["persons"] += n
    return _table(
        "region",
        _("Persons by region of their organisation"),
        "country / city",
        ["persons"],
        counts,
        t,
    )


def persons_by_relationship(controller_ids: Iterable[int], t: int, today: dt.date) -> Table:
    qs = _persons(controller_ids).filter(
        Q(affiliations__organization__relationships__end__isnull=True)
        | Q(affiliations__organization__relationships__end__gte=today),
        affiliations__organization__relationships__isnull=False,
    )
    counts = _by(qs, "affiliations__organization__relationships__kind")
    return _table(
        "relationship",
        _("Persons by their organisation's current relationship"),
        "kind",
        ["persons"],
        counts,
        t,
    )


def _when(starts: Any) -> str:
    if isinstance(starts, dt.datetime):
        return date_format(timezone.localtime(starts), "DATETIME_FORMAT")
    return date_format(starts, "DATE_FORMAT")


def event_attendance(controller_ids: Iterable[int], t: int) -> Table:
    rows = (
        EventRegistration.objects.filter(
            controller_id__in=list(controller_ids), person__restricted_since__isnull=True
        )
        .values_list("event__name", "event__starts_at")
        .annotate(
            registered=Count(
                "person", distinct=True, filter=Q(status=RegistrationStatus.REGISTERED)
            ),
            attended=Count("person", distinct=True, filter=Q(attended=True)),
        )
        .order_by()
    )
    # The event's time in the reader's format (fi 29.11.2026 klo 21.02, sv 2026-11-29
    # 21:02, en 29 Nov 2026, 21:02), local time.
    counts = {
        f"{name} ({_when(starts)})": {"registered": reg, "attended": att}
        for name, starts, reg, att in rows
    }
    return _table(
        "event_attendance",
        _("Event attendance"),
        "event",
        ["registered", "attended"],
        counts,
        t,
    )


def campaign_results(controller_ids: Iterable[int], t: int) -> Table:
    rows = (
        CampaignRecipient.objects.filter(
            campaign__controller_id__in=list(controller_ids),
            person__restricted_since__isnull=True,
        )
        .values_list("campaign__name")
        .annotate(
            sent=Count("pk", distinct=True, filter=Q(status=RecipientStatus.SENT)),
            opened=Count("pk", distinct=True, filter=Q(events__kind=TrackingKind.OPEN)),
            clicked=Count("pk", distinct=True, filter=Q(events__kind=TrackingKind.CLICK)),
        )
        .order_by()
    )
    counts = {name: {"sent": s, "opened": o, "clicked": c} for name, s, o, c in rows}
    return _table(
        "campaigns", _("Campaign results"), "campaign", ["sent", "opened", "clicked"], counts, t
    )


def stats_report(
    *, controller_ids: Iterable[int], threshold: int | None = None, today: dt.date | None = None
) -> list[Table]:
    """Every report for these group companies; no cell below the threshold."""
    t = threshold if threshold is not None else stats_threshold()
    ids = list(controller_ids)
    return [
        persons_by_industry(ids, t),
        persons_by_region(ids, t),
        persons_by_relationship(ids, t, today or timezone.localdate()),
        event_attendance(ids, t),
        campaign_results(ids, t),
    ]
