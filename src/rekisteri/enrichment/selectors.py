"""Reads of enrichment: an organisation's register record, and the organisations whose
register news staff must review, within the user's group companies."""

from __future__ import annotations

from django.db.models import QuerySet

from rekisteri.access.selectors import Scope
from rekisteri.enrichment.models import TradeRegisterRecord
from rekisteri.register.models import Organization, OrganizationProvenance


def record_of(*, organization: Organization) -> TradeRegisterRecord | None:
    return TradeRegisterRecord.objects.filter(organization=organization).first()


def review_list(*, scope: Scope) -> QuerySet[TradeRegisterRecord]:
    """The open review flags of the user's own group companies' organisations."""
    return (
        TradeRegisterRecord.objects.filter(
            review_open=True, organization__controller_id__in=scope.controller_ids
        )
        .select_related("organization", "organization__controller")
        .order_by("organization__name", "organization_id")
    )


def field_provenance(*, organization: Organization) -> dict[str, OrganizationProvenance]:
    """Where each of the organisation's fields last came from: per field, the newest
    provenance row that names it (the company itself, our staff, a public register)."""
    out: dict[str, OrganizationProvenance] = {}
    for row in OrganizationProvenance.objects.filter(organization=organization).order_by(
        "-collected_at", "-id"
    ):
        for name in row.fields:
            out.setdefault(name, row)
    return out
