from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rekisteri.access.selectors import Scope
from rekisteri.breaches.models import Breach, Nature
from rekisteri.breaches.services import EDITABLE
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.register.models import Controller

_DT = {"type": "datetime-local"}


class BreachForm(forms.ModelForm):
    nature = forms.MultipleChoiceField(
        label=_("Nature"), choices=Nature.choices, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("Data categories"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Breach
        fields = list(EDITABLE)  # the fields breach_update accepts, named once
        widgets = {
            name: forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M")
            for name in (
                "discovered_at",
                "occurred_from",
                "occurred_until",
                "authority_notified_at",
                "persons_notified_at",
                "closed_at",
            )
        }

    def __init__(self, *args: Any, scope: Scope, report_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The user's own group companies; empty: the whole group.
        self.fields["controller"].queryset = Controller.objects.filter(  # type: ignore[attr-defined]
            pk__in=scope.controller_ids
        ).order_by("name")
        self.fields["controller"].label = _("Group company")
        lang = (get_language() or "en")[:2]
        self.fields["categories"].choices = [
            (code, c.label(lang)) for code, c in catalogue_snapshot().categories.items()
        ]
        self.fields["categories"].required = False
        if report_only:
            # Staff report what they saw; the DPO decides the rest.
            keep = {
                "controller",
                "title",
                "nature",
                "description",
                "discovered_at",
                "occurred_from",
                "occurred_until",
                "categories",
            }
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]
