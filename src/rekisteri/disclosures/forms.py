from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.disclosures.filters import recipient_choices
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
    persons = forms.TypedMultipleChoiceField(
        label=_("Persons"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Find the persons by name or email above, then tick them."),
        error_messages={"required": _("Choose at least one person.")},
    )

    def __init__(self, *args: Any, persons: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        snap = catalogue_snapshot()
        lang = _lang()
        # by the catalogue's names in the user's language, in the order of the names
        self.fields["recipient_code"].choices = recipient_choices()
        self.fields["categories"].choices = sorted(
            ((code, c.label(lang)) for code, c in snap.categories.items()),
            key=lambda c: c[1].casefold(),
        )
        self.fields["persons"].choices = [(p.pk, str(p)) for p in persons]
