"""Filters of the register's lists (django-filter): only over what the user already sees,
so a filter can narrow a list but never widen it (the queryset comes from the scoped
selector; the choices are the user's own group companies)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from rekisteri.access.selectors import Scope
from rekisteri.register.models import Controller, Organization, Person


class _ByCompany(django_filters.FilterSet):
    controller = django_filters.ModelChoiceFilter(
        label=_("Group company"), queryset=Controller.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["controller"].queryset = Controller.objects.filter(
            pk__in=scope.visible_controller_ids()
        ).order_by("name")

    @property
    def several_companies(self) -> bool:
        return self.filters["controller"].queryset.count() > 1


class PersonFilter(_ByCompany):
    class Meta:
        model = Person
        fields = ["controller"]


class OrganizationFilter(_ByCompany):
    country = django_filters.CharFilter(label=_("Country"), method="by_country", max_length=2)

    class Meta:
        model = Organization
        fields = ["controller", "country"]

    def by_country(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(country=value.strip().upper()) if value.strip() else queryset
