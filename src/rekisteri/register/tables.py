"""The register's list tables (django-tables2): column headers in the user's words, sorting
only on indexed columns (a million-person register sorts by name through its index, never
by a column it would have to sort whole), and the email and organisation columns only for
users whose purposes cover those categories (`selectors.person_list_columns`)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rekisteri.register.models import Organization, Person
from rekisteri.register.selectors import ListColumns

TEMPLATE = "staff/partials/table.html"


class PersonTable(tables.Table):
    name = tables.TemplateColumn(
        template_name="register/partials/person_name_cell.html",
        verbose_name=_("Name"),
        accessor="search_name",
        order_by=("search_name", "id"),
    )
    title = tables.Column(verbose_name=pgettext_lazy("job title", "Title"), orderable=False)
    organization = tables.Column(
        verbose_name=_("Organisation"), empty_values=(), orderable=False, accessor="pk"
    )
    email = tables.Column(verbose_name=_("Email"), empty_values=(), orderable=False, accessor="pk")
    controller = tables.Column(
        verbose_name=_("Group company"), accessor="controller__name", orderable=False
    )

    class Meta:
        model = Person
        fields = ("name", "title", "organization", "email", "controller")
        template_name = TEMPLATE
        order_by_field = "sort"
        empty_text = _("No persons found.")
        default = ""

    def __init__(self, *args: Any, columns: ListColumns, **kwargs: Any) -> None:
        hidden = [
            n
            for n, shown in (("email", columns.email), ("organization", columns.organization))
            if not shown
        ]
        super().__init__(*args, exclude=hidden, **kwargs)
        self.columns_data = columns

    def render_organization(self, record: Person) -> str:
        return self.columns_data.values.get(record.pk, {}).get("organization", "")

    def render_email(self, record: Person) -> str:
        return self.columns_data.values.get(record.pk, {}).get("email", "")


class OrganizationTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Name"),
        linkify=("register:organization_detail", {"organization_id": tables.A("pk")}),
    )
    business_id = tables.Column(verbose_name=_("Business ID"))
    country = tables.Column(verbose_name=_("Country"), orderable=False)
    city = tables.Column(verbose_name=_("City"), orderable=False)
    controller = tables.Column(
        verbose_name=_("Group company"), accessor="controller__name", orderable=False
    )

    class Meta:
        model = Organization
        fields = ("name", "business_id", "country", "city", "controller")
        template_name = TEMPLATE
        order_by_field = "sort"
        empty_text = _("No organisations found.")
        default = ""
