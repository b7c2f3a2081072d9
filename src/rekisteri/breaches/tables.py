"""The breach register as a django-tables2 table: when each breach was found, its 72-hour
clock (with "Authority told now" in place while the clock runs), the deadline, the risk and
the people. Sorted by discovery (newest first) unless a header says otherwise."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from rekisteri.breaches.models import Breach

TEMPLATE = "staff/partials/table.html"


class BreachTable(tables.Table):
    discovered_at = tables.TemplateColumn(
        '{{ value|date:"SHORT_DATETIME_FORMAT" }}',
        verbose_name=_("Discovered"),
        order_by=("discovered_at", "id"),
    )
    title = tables.Column(
        verbose_name=_("Title"),
        linkify=("breaches:detail", {"breach_id": tables.A("pk")}),
        orderable=False,
    )
    clock = tables.TemplateColumn(
        template_name="breaches/partials/clock_cell.html",
        verbose_name=_("72-hour clock"),
        accessor="pk",
        orderable=False,
    )
    deadline = tables.TemplateColumn(
        '{{ record.deadline|date:"SHORT_DATETIME_FORMAT" }}',
        verbose_name=_("Deadline"),
        accessor="pk",
        order_by=("discovered_at", "id"),
    )
    risk = tables.Column(verbose_name=_("Risk"), orderable=False)
    approx_persons = tables.Column(
        verbose_name=_("People"), default="?", orderable=False, attrs={"td": {"class": "num"}}
    )
    persons_notified_at = tables.TemplateColumn(
        '{% load i18n %}{% if record.persons_notified_at %}{{ record.persons_notified_at|date:"SHORT_DATE_FORMAT" }}'
        '{% elif record.persons_not_notified_reason %}{% translate "no" %}: '
        "{{ record.persons_not_notified_reason|truncatechars:60 }}{% else %}—{% endif %}",
        verbose_name=_("People told"),
        accessor="pk",
        orderable=False,
    )

    class Meta:
        model = Breach
        fields = ("discovered_at", "title", "clock", "deadline", "risk", "approx_persons")
        template_name = TEMPLATE
        order_by_field = "sort"
        empty_text = _("No breaches recorded.")
        row_attrs = {"class": lambda record: f"clock-{record.clock()}"}
