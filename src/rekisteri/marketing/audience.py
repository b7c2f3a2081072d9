"""A campaign's audience: lists and segments, passed through the rules engine, in SQL.

`campaign_audience` never loops over persons in Python: the base set is one queryset, the
rules engine annotates each person's `reason_code` (rekisteri.consent.selectors), and the
counts per reason are one GROUP BY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from rekisteri.consent.selectors import (
    ALLOWED_CODES,
    EXCLUSION_CODES,
    permission_annotate,
    reason_text,
)
from rekisteri.consent.suppression import suppression_refresh
from rekisteri.marketing.models import Campaign, SegmentMember, Subscription, SubscriptionStatus
from rekisteri.register.models import Person


@dataclass
class Audience:
    included: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    allowed_by: dict[str, int] = field(default_factory=dict)

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())


def audience_base(
    *,
    controller_id: int,
    list_ids: list[int],
    segment_ids: list[int],
    service: bool = False,
) -> QuerySet[Person]:
    """Everyone the campaign is addressed to, before any rule (all contacts if no list)."""
    qs = Person.objects.filter(controller_id=controller_id)
    if not list_ids and not segment_ids:
        return qs
    cond = Q()
    if list_ids:
        # Everyone who ever subscribed: those who left are counted (and a service message
        # reaches them); the rules engine leaves out who is no longer on the list.
        cond |= Q(
            pk__in=Subscription.objects.filter(mailing_list_id__in=list_ids).values("person_id")
        )
    if segment_ids:
        cond |= Q(
            pk__in=SegmentMember.objects.filter(segment_id__in=segment_ids).values("person_id")
        )
    return qs.filter(cond)


def annotated(campaign: Campaign, *, only: list[int] | None = None) -> QuerySet[Person]:
    """Everyone the campaign is addressed to, with their `reason_code`; `only`: just these
    persons (a batch being re-checked before sending)."""
    list_ids = list(campaign.lists.values_list("pk", flat=True))
    segment_ids = list(campaign.segments.values_list("pk", flat=True))
    base = audience_base(
        controller_id=campaign.controller_id,
        list_ids=list_ids,
        segment_ids=segment_ids,
        service=campaign.is_service,
    )
    membership = None
    if list_ids:
        membership = Q(
            pk__in=Subscription.objects.filter(
                mailing_list_id__in=list_ids, status=SubscriptionStatus.SUBSCRIBED
            ).values("person_id")
        )
        if segment_ids:
            membership |= Q(
                pk__in=SegmentMember.objects.filter(segment_id__in=segment_ids).values("person_id")
            )
    return permission_annotate(
        base,
        controller_id=campaign.controller_id,
        service=campaign.is_service,
        list_ids=list_ids or None,
        membership=membership,
        only=only,
    ).filter(**({} if only is None else {"pk__in": only}))


def campaign_audience(campaign: Campaign) -> Audience:
    suppression_refresh()
    rows = annotated(campaign).order_by().values("reason_code").annotate(n=Count("pk"))
    result = Audience(excluded={code: 0 for code in EXCLUSION_CODES})
    for row in rows:
        if row["reason_code"] in ALLOWED_CODES:
            result.included += row["n"]
            result.allowed_by[row["reason_code"]] = row["n"]
        else:
            result.excluded[row["reason_code"]] = row["n"]
    return result


def excluded_preview(campaign: Campaign, *, limit: int = 50) -> list[dict[str, Any]]:
    """Who is left out and why: the first `limit` persons by name."""
    qs = (
        annotated(campaign)
        .exclude(reason_code__in=ALLOWED_CODES)
        .order_by("search_name", "pk")
        .values("pk", "first_name", "last_name", "reason_code")[:limit]
    )
    return [{**row, "reason": reason_text(row["reason_code"])} for row in qs]
