"""Staff forms of the KYC section of an organisation page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rekisteri.kyc.models import (
    ControlKind,
    InvestigationOutcome,
    KycSource,
    PepRelation,
    RepresentationKind,
    RiskLevel,
)

DATE = forms.DateInput(attrs={"type": "date"})


class _PersonForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    source = forms.ChoiceField(label=_("Source"), choices=KycSource.choices)
    source_date = forms.DateField(label=_("Date of the source"), widget=DATE)

    def __init__(self, *args: Any, persons: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = persons


class OwnerForm(_PersonForm):
    control = forms.ChoiceField(label=_("Kind of control"), choices=ControlKind.choices)
    share_percent = forms.DecimalField(
        label=_("Ownership share (%)"), required=False, min_value=0, max_value=100
    )


class RepresentationForm(_PersonForm):
    kind = forms.ChoiceField(label=_("Right"), choices=RepresentationKind.choices)
    evidence = forms.CharField(label=_("Evidence"), max_length=255)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)


class PepForm(_PersonForm):
    relation = forms.ChoiceField(label=_("Basis"), choices=PepRelation.choices)
    related_to = forms.CharField(
        label=_("Family member or close associate of"), max_length=200, required=False
    )
    position = forms.CharField(label=_("Position"), max_length=200)
    country = forms.CharField(label=_("Country (two letters)"), max_length=2)
    since = forms.DateField(label=_("Since"), required=False, widget=DATE)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE)
    next_review = forms.DateField(label=_("Next review"), widget=DATE)


class DueDiligenceForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    checks = forms.CharField(
        label=_("Checks done (one a line)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE)
    next_review = forms.DateField(label=_("Next review"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AmlInvestigationForm(forms.Form):
    """Open an examination of a person's transactions (AML investigation)."""

    organization = forms.TypedChoiceField(
        label=_("Customer relationship (organisation)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE)
    grounds = forms.CharField(
        label=_("Grounds"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, organizations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("none (the person's own)")), *organizations]


class AmlCloseForm(forms.Form):
    """Close an investigation: no grounds for suspicion, or reported to the FIU."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (InvestigationOutcome.NO_SUSPICION, InvestigationOutcome.NO_SUSPICION.label),
            (InvestigationOutcome.REPORTED, InvestigationOutcome.REPORTED.label),
        ],
    )
    reported_on = forms.DateField(
        label=_("Reported on (when reported)"), required=False, widget=DATE
    )
