"""Filters of the request queue (django-filter): only over the requests the user already
handles (the queryset comes from `selectors.request_list`), so a filter narrows the queue
and never widens it. The queue's views (open, overdue, waiting, closed, all) stay the tabs
above the table; these narrow a view by kind and by who handles the request."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from rekisteri.rights.models import RequestKind, RightsRequest

ME = "me"
NOBODY = "nobody"


class RequestFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=RequestKind.choices, empty_label=_("All")
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Assignee"), method="by_assignee", empty_label=_("Anyone")
    )

    class Meta:
        model = RightsRequest
        fields = ["kind", "assignee"]

    def __init__(self, *args: Any, user: Any, assignees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        choices = [(ME, _("Me")), (NOBODY, _("Nobody"))]
        choices += [(str(u.pk), u.username) for u in assignees if u.pk != user.pk]
        self.filters["assignee"].extra["choices"] = choices

    def by_assignee(self, queryset: Any, name: str, value: str) -> Any:
        if value == ME:
            return queryset.filter(assignee=self.user)
        if value == NOBODY:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value)) if value.isdigit() else queryset
