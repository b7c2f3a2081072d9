"""Reads of marketing data: lists, segments and campaigns of the user's own group companies,
and the segments of a person (explained).

Lists, segments and campaigns belong to one group company and are never shared: another
company's does not exist for the user (404), exactly as one that was never made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from rekisteri.access.selectors import Scope
from rekisteri.marketing.models import (
    Campaign,
    MailingList,
    RecipientStatus,
    Segment,
    SegmentMember,
    TrackingKind,
)
from rekisteri.register.models import Controller


def controllers_of(*, scope: Scope) -> list[Controller]:
    """The group companies the user may make lists, segments and campaigns for."""
    return list(Controller.objects.filter(pk__in=scope.controller_ids).order_by("name"))


def mailing_list_list(*, scope: Scope) -> QuerySet[MailingList]:
    return MailingList.objects.filter(controller_id__in=scope.controller_ids)


def mailing_list_get(*, scope: Scope, list_id: Any) -> MailingList:
    lst = mailing_list_list(scope=scope).filter(pk=_pk(list_id)).first()
    if lst is None:
        raise Http404("no such mailing list")
    return lst


def segment_list(*, scope: Scope) -> QuerySet[Segment]:
    return Segment.objects.filter(controller_id__in=scope.controller_ids)


def segment_get(*, scope: Scope, segment_id: Any) -> Segment:
    segment = segment_list(scope=scope).filter(pk=_pk(segment_id)).first()
    if segment is None:
        raise Http404("no such segment")
    return segment


def campaign_list(*, scope: Scope) -> QuerySet[Campaign]:
    return Campaign.objects.filter(controller_id__in=scope.controller_ids)


def campaign_get(*, scope: Scope, campaign_id: Any) -> Campaign:
    campaign = (
        campaign_list(scope=scope).select_related("controller").filter(pk=_pk(campaign_id)).first()
    )
    if campaign is None:
        raise Http404("no such campaign")
    return campaign


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404("not found") from exc


def segments_for_person(*, person_id: int) -> list[dict[str, Any]]:
    """The person's segments with the rules and data categories that put them there.

    Used by the access package: a person may always ask how a profile was made.
    """
    rows = SegmentMember.objects.filter(person_id=person_id).select_related("segment")
    return [
        {
            "segment": m.segment.name,
            "rules": list(m.rules),
            "categories": list(m.categories),
            "computed_at": m.computed_at.isoformat(),
        }
        for m in rows.order_by("segment__name")
    ]


@dataclass(frozen=True)
class CampaignResult:
    campaign: Campaign
    sent: int
    opened: int
    clicked: int


def campaign_page_results(*, scope: Scope, campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Sent, opened and clicked for a page of the list's campaigns (the user's own group
    companies' only): counts of recipients, never a person."""
    out: dict[int, dict[str, int]] = {}
    for c in campaign_list(scope=scope).filter(pk__in=campaign_ids):
        out[c.pk] = c.recipients.aggregate(
            sent=Count("pk", filter=Q(status=RecipientStatus.SENT), distinct=True),
            opened=Count("pk", filter=Q(events__kind=TrackingKind.OPEN), distinct=True),
            clicked=Count("pk", filter=Q(events__kind=TrackingKind.CLICK), distinct=True),
        )
    return out


def campaign_results(*, scope: Scope, limit: int = 5) -> list[CampaignResult]:
    """The latest campaigns of the user's group companies with their results: messages sent
    and how many recipients opened one or clicked a link (counts only, no person)."""
    campaigns = campaign_list(scope=scope).order_by("-created_at", "-id")[:limit]
    out = []
    for c in campaigns:
        counts = c.recipients.aggregate(
            sent=Count("pk", filter=Q(status=RecipientStatus.SENT), distinct=True),
            opened=Count("pk", filter=Q(events__kind=TrackingKind.OPEN), distinct=True),
            clicked=Count("pk", filter=Q(events__kind=TrackingKind.CLICK), distinct=True),
        )
        out.append(CampaignResult(c, counts["sent"], counts["opened"], counts["clicked"]))
    return out
