"""The request queue as a django-tables2 table: the reference, kind, channel, dates, days
left (or overdue), status and who handles it. Sorting on the received date and the deadline
(both indexed); every row is a request the user handles (`selectors.request_list`).

The assignee cell is a small form (`rights/partials/assign_cell.html`): with JavaScript it
assigns in place through htmx, without it it posts and comes back to the queue."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from rekisteri.rights.models import RightsRequest
from rekisteri.rights.selectors import queue_row

TEMPLATE = "staff/partials/table.html"


class RequestTable(tables.Table):
    reference = tables.Column(
        verbose_name=_("Reference"),
        accessor="pk",
        order_by=("id",),
        linkify=("rights:request_detail", {"request_id": tables.A("pk")}),
    )
    kind = tables.Column(verbose_name=_("Kind"), orderable=False)
    channel = tables.Column(verbose_name=_("Channel"), orderable=False)
    received_at = tables.TemplateColumn(
        '{{ value|date:"SHORT_DATE_FORMAT"|default:"—" }}',
        verbose_name=_("Received"),
        order_by=("received_at", "id"),
    )
    deadline_on = tables.TemplateColumn(
        template_name="rights/partials/deadline_cell.html",
        verbose_name=_("Due"),
        order_by=("deadline_on", "id"),
    )
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    assignee = tables.TemplateColumn(
        template_name="rights/partials/assign_cell.html",
        verbose_name=_("Assignee"),
        orderable=False,
        empty_values=(),
    )

    class Meta:
        model = RightsRequest
        fields = ("reference", "kind", "channel", "received_at", "deadline_on", "status")
        sequence = ("reference", "kind", "channel", "received_at", "deadline_on", "status")
        template_name = TEMPLATE
        order_by_field = "sort"
        empty_text = _("No requests.")
        default = "—"
        row_attrs = {"class": lambda record: _row_class(record)}

    def __init__(self, *args: Any, assignable: dict[int, list[Any]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.assignable = assignable or {}

    def render_reference(self, record: RightsRequest) -> str:
        return record.reference


def _row_class(record: RightsRequest) -> str:
    row = queue_row(record)
    return "overdue" if row.overdue else "due-soon" if row.due_soon else ""
