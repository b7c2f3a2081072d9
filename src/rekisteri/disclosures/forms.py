from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.disclosures.models import DisclosureBasis


def _lang() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in ("fi", "sv", "en") else "en"


class DisclosureForm(forms.Form):
    recipient_code = forms.ChoiceField(label=_("Recipient"))
    categories = forms.MultipleChoiceField(
        label=_("Data categories"), widget=forms.CheckboxSelectMultiple
    )
    basis = forms.ChoiceField(label=_("Basis"), choices=DisclosureBasis.choices)
    reason = forms.CharField(
        label=_("Reason (name no person here)"), max_length=500, widget=forms.Textarea
    )
    request_ref = forms.CharField(label=_("Request reference"), max_length=120, required=False)
    person_ids = forms.CharField(
        label=_("Person ids"), help_text=_("Separated by commas or spaces"), max_length=20000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        snap = catalogue_snapshot()
        lang = _lang()
        self.fields["recipient_code"].choices = [
            (code, f"{r.label(lang)} ({r.country})") for code, r in sorted(snap.recipients.items())
        ]
        self.fields["categories"].choices = [
            (code, c.label(lang)) for code, c in snap.categories.items()
        ]

    def clean_person_ids(self) -> list[int]:
        raw = self.cleaned_data["person_ids"]
        parts = [p for p in re.split(r"[\s,;]+", raw) if p]
        bad = [p for p in parts if not p.isdigit()]
        if bad:
            raise forms.ValidationError(
                _("Not a person id: %(v)s"), params={"v": ", ".join(bad[:5])}
            )
        if not parts:
            raise forms.ValidationError(_("Name at least one person."))
        return [int(p) for p in parts]
