"""The decide form of a screening hit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rekisteri.screening.models import HitStatus
from rekisteri.screening.services import MAX_REASON


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (HitStatus.MATCH.value, HitStatus.MATCH.label),
            (HitStatus.FALSE_POSITIVE.value, HitStatus.FALSE_POSITIVE.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why: e.g. the birth date and nationality differ from the entry's."),
    )
