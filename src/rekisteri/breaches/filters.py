"""Filters of the breach register (django-filter), over the breaches the user keeps
(`selectors.breach_list`): where the 72-hour clock stands, and the risk."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rekisteri.breaches.models import Breach, Risk

CLOCKS = (
    ("running", _("Authority not yet told")),
    ("told", _("Authority told")),
    ("not_required", _("No notification needed")),
)


class BreachFilter(django_filters.FilterSet):
    clock = django_filters.ChoiceFilter(
        label=_("72-hour clock"), choices=CLOCKS, method="by_clock", empty_label=_("All")
    )
    risk = django_filters.ChoiceFilter(label=_("Risk"), choices=Risk.choices, empty_label=_("All"))

    class Meta:
        model = Breach
        fields = ["clock", "risk"]

    def by_clock(self, queryset: Any, name: str, value: str) -> Any:
        told = Q(authority_notified_at__isnull=False)
        not_required = Q(authority_not_notified_reason__gt="")
        if value == "running":
            return queryset.exclude(told | not_required)
        if value == "told":
            return queryset.filter(told)
        if value == "not_required":
            return queryset.filter(not_required & ~told)
        return queryset
