from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rekisteri.access.selectors import Scope
from rekisteri.register.models import Controller
from rekisteri.rights.models import Channel, RefusalReason, RequestKind, VerificationMethod

STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.PUBLIC_PAGE]
LANGS = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]
RECTIFIABLE = ("first_name", "last_name", "title", "language", "nationality", "email", "phone")


class StaffRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=RequestKind.choices)
    channel = forms.ChoiceField(label=_("channel"), choices=STAFF_CHANNELS)
    received_at = forms.DateTimeField(
        label=_("received"), required=False, help_text=_("empty: now")
    )
    requester_name = forms.CharField(label=_("requester's name"), required=False, max_length=200)
    requester_email = forms.CharField(label=_("email"), required=False, max_length=320)
    requester_phone = forms.CharField(label=_("phone"), required=False, max_length=40)
    requester_address = forms.CharField(
        label=_("postal address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    language = forms.ChoiceField(label=_("language"), choices=LANGS)
    details = forms.CharField(
        label=_("what the person asks"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    objection_purpose = forms.CharField(label=_("purpose objected to"), required=False)
    person_ids = forms.CharField(
        label=_("person record ids"), required=False, help_text=_("comma-separated, if known")
    )
    verification_method = forms.ChoiceField(
        label=_("identity verified by"),
        required=False,
        choices=[("", _("not yet verified")), *VerificationMethod.choices],
    )
    verification_note = forms.CharField(label=_("verification note"), required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(scope.controller_ids) > 1:
            # A DPO of several group companies says whose request it is.
            self.fields["controller"] = forms.TypedChoiceField(
                label=_("group company"),
                coerce=int,
                choices=[
                    (c.pk, c.name)
                    for c in Controller.objects.filter(pk__in=scope.controller_ids).order_by("name")
                ],
            )

    def clean_person_ids(self) -> list[int]:
        raw = self.cleaned_data.get("person_ids") or ""
        try:
            return [int(x) for x in raw.replace(" ", "").split(",") if x]
        except ValueError as exc:
            raise forms.ValidationError(_("person ids are numbers separated by commas")) from exc


class VerifyForm(forms.Form):
    method = forms.ChoiceField(label=_("method"), choices=VerificationMethod.choices)
    note = forms.CharField(label=_("note"), required=False)


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("extend by"), coerce=int, choices=[(1, _("1 month")), (2, _("2 months"))]
    )
    reason = forms.CharField(label=_("reason (told to the person)"), widget=forms.Textarea)
    notified_via = forms.ChoiceField(
        label=_("person told by"),
        choices=[("email", _("email (sent now)")), ("letter", _("letter")), ("phone", _("phone"))],
    )


#: how the person was told of an extension, as the request page says it
TOLD_BY = {"email": _("email"), "letter": _("letter"), "phone": _("phone")}


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("ground"), choices=RefusalReason.choices)
    text = forms.CharField(label=_("explanation to the person"), widget=forms.Textarea)


class FulfilForm(forms.Form):
    restriction_ground = forms.CharField(label=_("ground of restriction"), required=False)
    restriction_until = forms.DateField(label=_("restricted until"), required=False)
    objection_upheld = forms.ChoiceField(
        label=_("objection"),
        required=False,
        choices=[("", "—"), ("yes", _("upheld")), ("no", _("not upheld"))],
    )
    objection_reasons = forms.CharField(
        label=_("written reasons"), required=False, widget=forms.Textarea
    )
    plan_fingerprints = forms.CharField(required=False, widget=forms.HiddenInput)


class RectificationForm(forms.Form):
    """The changes, as the DPO confirms them (prefilled from what the person asked)."""

    first_name = forms.CharField(label=_("first name"), required=False)
    last_name = forms.CharField(label=_("last name"), required=False)
    title = forms.CharField(label=_("title"), required=False)
    language = forms.ChoiceField(label=_("language"), required=False, choices=[("", "—"), *LANGS])
    nationality = forms.CharField(label=_("nationality"), required=False, max_length=2)
    email = forms.CharField(label=_("email"), required=False)
    phone = forms.CharField(label=_("phone"), required=False)

    def changes(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k in RECTIFIABLE and v}


class PublicRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("The one we have in our register. We send a confirmation link to it."),
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    details = forms.CharField(
        label=_("Anything you want to tell us"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PublicRectificationForm(PublicRequestForm):
    first_name = forms.CharField(label=_("Correct first name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Correct last name"), required=False, max_length=100)
    title = forms.CharField(label=_("Correct title"), required=False, max_length=150)
    new_email = forms.EmailField(label=_("Correct email address"), required=False)
    phone = forms.CharField(label=_("Correct phone number"), required=False, max_length=40)

    def changes(self) -> dict[str, str]:
        d = self.cleaned_data
        out = {k: d[k] for k in ("first_name", "last_name", "title", "phone") if d.get(k)}
        if d.get("new_email"):
            out["email"] = d["new_email"]
        return out


class PublicObjectionForm(PublicRequestForm):
    purpose = forms.ChoiceField(label=_("What do you object to?"), choices=())
