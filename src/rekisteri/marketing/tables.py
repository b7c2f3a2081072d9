"""The campaign list as a django-tables2 table: name, kind, group company, status, when it
was made and sent, its audience, and its results (sent, opened, clicked: counts only, never
a person; worked out for the rows of the page shown, `selectors.campaign_page_results`)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from rekisteri.marketing.models import Campaign

TEMPLATE = "staff/partials/table.html"


class CampaignTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Name"),
        linkify=("marketing:campaign_detail", {"campaign_id": tables.A("pk")}),
        order_by=("name", "id"),
    )
    purpose = tables.Column(verbose_name=_("Kind"), orderable=False)
    controller = tables.Column(
        verbose_name=_("Group company"), accessor="controller__name", orderable=False
    )
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    created_at = tables.TemplateColumn(
        '{{ value|date:"SHORT_DATE_FORMAT" }}',
        verbose_name=_("Created"),
        order_by=("created_at", "id"),
    )
    finished_at = tables.TemplateColumn(
        '{{ value|date:"SHORT_DATETIME_FORMAT"|default:"—" }}',
        verbose_name=_("Sent on"),
        order_by=("finished_at", "id"),
    )
    total = tables.Column(verbose_name=_("Audience"), attrs={"td": {"class": "num"}})
    sent = tables.Column(
        verbose_name=_("Sent"), accessor="pk", orderable=False, attrs={"td": {"class": "num"}}
    )
    opened = tables.Column(
        verbose_name=_("Opened"), accessor="pk", orderable=False, attrs={"td": {"class": "num"}}
    )
    clicked = tables.Column(
        verbose_name=_("Clicked"), accessor="pk", orderable=False, attrs={"td": {"class": "num"}}
    )

    class Meta:
        model = Campaign
        fields = ("name", "purpose", "controller", "status", "created_at", "finished_at", "total")
        sequence = (
            "name",
            "purpose",
            "controller",
            "status",
            "created_at",
            "finished_at",
            "total",
            "sent",
            "opened",
            "clicked",
        )
        template_name = TEMPLATE
        order_by_field = "sort"
        empty_text = _("No campaigns yet.")
        default = "—"

    def __init__(self, *args: Any, several_companies: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, exclude=[] if several_companies else ["controller"], **kwargs)
        self.results: dict[int, dict[str, int]] = {}

    def _result(self, record: Campaign, key: str) -> Any:
        value = self.results.get(record.pk, {}).get(key)
        return "—" if value is None or record.status == "draft" else value

    def render_sent(self, record: Campaign) -> Any:
        return self._result(record, "sent")

    def render_opened(self, record: Campaign) -> Any:
        return "—" if record.is_service else self._result(record, "opened")

    def render_clicked(self, record: Campaign) -> Any:
        return "—" if record.is_service else self._result(record, "clicked")

    def render_total(self, record: Campaign) -> Any:
        return "—" if record.status == "draft" else record.total
