"""The trade register card on an organisation's page (register's template loads it, so the
register app does not import enrichment, which sits above it: docs/layers.md)."""

from __future__ import annotations

from typing import Any

from django import template

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import scope_of
from rekisteri.enrichment.selectors import record_of
from rekisteri.enrichment.views import fetchable
from rekisteri.register.models import Organization

register = template.Library()

FIELD_LABELS = {
    f: Organization._meta.get_field(f).verbose_name
    for f in ("name", "street", "postal_code", "city", "industry", "website")
}


@register.inclusion_tag("enrichment/partials/card.html", takes_context=True)
def trade_register_card(context: Any, org: Organization) -> dict[str, Any]:
    request = context["request"]
    scope = scope_of(request)
    record = record_of(organization=org)
    report = []
    if record is not None:
        for row in record.last_report:
            report.append({**row, "label": FIELD_LABELS.get(row.get("field", ""), "")})
    return {
        "org": org,
        "record": record,
        "report": report,
        "can_update": scope.can(Cap.UPDATE_FROM_TRADE_REGISTER),
        "fetchable": fetchable(org),
        "csrf_token": context.get("csrf_token"),
    }
