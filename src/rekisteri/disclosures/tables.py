"""The disclosure log as a django-tables2 table: when, to which recipient (by the catalogue's
name in the user's language), which data categories (by name), on what basis, why, for which
request, how many persons and by whom. Sorted by the time (newest first, indexed) unless the
header says otherwise."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.disclosures.models import Disclosure

TEMPLATE = "staff/partials/table.html"


def _lang() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in ("fi", "sv", "en") else "en"


class DisclosureTable(tables.Table):
    at = tables.TemplateColumn(
        '{{ value|date:"SHORT_DATETIME_FORMAT" }}',
        verbose_name=_("When"),
        order_by=("at", "id"),
    )
    recipient = tables.Column(verbose_name=_("Recipient"), accessor="pk", orderable=False)
    categories = tables.Column(verbose_name=_("Data categories"), orderable=False)
    basis = tables.Column(verbose_name=_("Basis"), orderable=False)
    reason = tables.Column(verbose_name=_("Reason"), orderable=False)
    request_ref = tables.Column(verbose_name=_("Request"), orderable=False, default="—")
    person_count = tables.Column(
        verbose_name=_("Persons"), orderable=False, attrs={"td": {"class": "num"}}
    )
    made_by = tables.Column(verbose_name=_("By"), orderable=False)

    class Meta:
        model = Disclosure
        fields = (
            "at",
            "recipient",
            "categories",
            "basis",
            "reason",
            "request_ref",
            "person_count",
            "made_by",
        )
        template_name = TEMPLATE
        order_by_field = "sort"
        empty_text = _("No disclosures recorded.")

    def render_recipient(self, record: Disclosure) -> str:
        """The name the recipient had then, in the user's language; its country."""
        names = record.recipient_name or {}
        lang = _lang()
        name = names.get(lang) or names.get("en")
        if not name:
            recipient = catalogue_snapshot().recipients.get(record.recipient_code)
            name = recipient.label(lang) if recipient else record.recipient_code
        return f"{name} ({record.recipient_country})" if record.recipient_country else name

    def render_categories(self, value: Any) -> str:
        snap = catalogue_snapshot()
        lang = _lang()
        return ", ".join(
            snap.categories[c].label(lang) if c in snap.categories else c for c in value or ()
        )
