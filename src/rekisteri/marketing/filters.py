"""Filters of the campaign list (django-filter), over the user's own group companies'
campaigns only (the queryset comes from `selectors.campaign_list`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from rekisteri.access.selectors import Scope
from rekisteri.marketing.models import Campaign, CampaignPurpose, CampaignStatus
from rekisteri.register.models import Controller


class CampaignFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CampaignStatus.choices, empty_label=_("All")
    )
    purpose = django_filters.ChoiceFilter(
        label=_("Kind"), choices=CampaignPurpose.choices, empty_label=_("All")
    )
    controller = django_filters.ModelChoiceFilter(
        label=_("Group company"), queryset=Controller.objects.none(), empty_label=_("All")
    )

    class Meta:
        model = Campaign
        fields = ["status", "purpose", "controller"]

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["controller"].queryset = Controller.objects.filter(
            pk__in=scope.controller_ids
        ).order_by("name")

    @property
    def several_companies(self) -> bool:
        return self.filters["controller"].queryset.count() > 1
