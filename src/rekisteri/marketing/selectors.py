"""Reads of marketing data: segments of a person (explained), lists, campaigns."""

from __future__ import annotations

from typing import Any

from rekisteri.marketing.models import SegmentMember


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
