"""Forms of the staff UI: they render fields and carry the services' errors back to them.

They do no validation of their own beyond "is this text": the rules live in
register.inputs and register.services, shared with the API and the import, so a form never
accepts what the API would refuse. `show_input_error` puts an InputError's messages on the
fields they name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope, category_of
from rekisteri.catalogue.models import SourceKind
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.register.inputs import IDENTITY_CODE
from rekisteri.register.models import (
    Affiliation,
    ContactPoint,
    Controller,
    Language,
    Person,
    RelationshipKind,
)
from rekisteri.register.services import SourceRef
from rekisteri.staff.templatetags.ui import SOURCE_KINDS, purpose_name

# The services' messages are plain English; listing them here puts them in the catalogue of
# translations (makemessages reads gettext_noop), and `translate_message` looks them up.
SERVICE_MESSAGES = (
    gettext_noop("is required"),
    gettext_noop("is too long"),
    gettext_noop("at most 100 characters"),
    gettext_noop("at most 150 characters"),
    gettext_noop("at most 255 characters"),
    gettext_noop("must not contain control characters"),
    gettext_noop("is not a web address"),
    gettext_noop("must be customer, prospect, supplier or partner"),
    gettext_noop("an organisation with this business ID is already in the register"),
    gettext_noop("no organisation with this business ID in the register"),
    gettext_noop("a person with this email is already in the register"),
    gettext_noop("a person with this identity code is already in the register"),
    gettext_noop("business ID is empty"),
    gettext_noop("not a valid Y-tunnus"),
    gettext_noop("not a valid organisationsnummer"),
    gettext_noop("not a valid henkilötunnus"),
    gettext_noop("not a valid personnummer"),
    gettext_noop("the check digit does not match"),
    gettext_noop("business ID may hold only letters, digits, spaces, '.', '-' and '/'"),
    gettext_noop("not a valid email address"),
    gettext_noop("not a phone number"),
    gettext_noop("not a valid phone number for its country"),
    gettext_noop("country must be a two-letter code such as FI or SE"),
    gettext_noop("language must be fi, sv or en"),
    gettext_noop("You are not staff of this group company."),
    gettext_noop("this relationship is already ongoing"),
    gettext_noop("the relationship has already ended"),
    gettext_noop("the link has already ended"),
    gettext_noop("the end is before the start"),
    gettext_noop("Your role's purposes do not cover these data categories"),
    gettext_noop("Your role does not serve the purpose you named."),
    gettext_noop("this register does not process this kind of data"),
    gettext_noop("this register keeps business contacts only, not consumers"),
    gettext_noop(
        "The processing of this person's data is restricted (GDPR Art. 18): it is only stored."
    ),
    # python-stdnum's messages, which the validators pass on after a colon.
    gettext_noop("The number has an invalid length."),
    gettext_noop("The number has an invalid format."),
    gettext_noop("The number's checksum or check digit is invalid."),
    gettext_noop("One of the parts of the number are invalid or unknown."),
)


def translate_message(message: str) -> str:
    """The message in the user's language: whole if known, else part by part around colons.

    "not a valid Y-tunnus: The number has an invalid length." has no translation of its own,
    but both halves have.
    """
    whole = gettext(message)
    if whole != message or ": " not in message:
        return whole
    return ": ".join(gettext(part) for part in message.split(": "))


def error_text(errors: dict[str, str]) -> str:
    """An InputError's messages as one line, each after its field's label."""
    return "; ".join(f"{_label(name)}: {translate_message(msg)}" for name, msg in errors.items())


def show_input_error(form: forms.Form, errors: dict[str, str]) -> None:
    """Put each message on its field; messages for fields the form lacks go on top."""
    for name, message in errors.items():
        text = translate_message(message)
        if name in form.fields:
            form.add_error(name, text)
        else:
            form.add_error(None, f"{_label(name)}: {text}")


_LABELS = {
    "organization_business_id": _("Organisation's business ID"),
    IDENTITY_CODE: _("Personal identity code"),
    "identity_code_country": _("Country of the identity code"),
    "is_consumer": _("Consumer customer"),
    "relationship": _("Relationship"),
    "kind": _("Relationship"),
    "start": _("Start"),
    "end": _("End"),
    "item": _("Row"),
}


def _label(name: str) -> str:
    return str(_LABELS.get(name, name.replace("_", " ")))


def _text(label: Any, *, required: bool = False, max_length: int = 255, **kw: Any) -> forms.Field:
    return forms.CharField(label=label, required=required, max_length=max_length, **kw)


def _controllers(scope: Scope) -> Any:
    """The group companies the user may add records to: their own, not the shared ones."""
    return Controller.objects.filter(pk__in=scope.controller_ids).order_by("name")


class ProvenanceForm(forms.Form):
    """Where the data being entered comes from, and for which purpose: saved as provenance."""

    source_kind = forms.ChoiceField(label=_("Source"), initial=SourceKind.DATA_SUBJECT)
    source_name = _text(
        _("Name of the source"),
        max_length=255,
        help_text=_("e.g. the trade register, a business card, a partner's list"),
    )
    purpose = forms.ChoiceField(label=_("Purpose"))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_kind"].choices = [(k, v) for k, v in SOURCE_KINDS.items()]
        # The user's purposes for keeping the register, in the catalogue's order.
        held = scope.purposes_for(Cap.KEEP_REGISTER)
        purposes = [p for p in catalogue_snapshot(scope.catalogue_version).purposes if p in held]
        self.fields["purpose"].choices = [(p, purpose_name(p)) for p in purposes]

    def source_ref(self) -> SourceRef:
        d = self.cleaned_data
        return SourceRef(kind=d["source_kind"], name=d["source_name"], purpose=d["purpose"])


class PersonForm(forms.Form):
    """A person and their primary email and phone. Fields the user's role may not see or
    change (by data category) are removed, so saving cannot touch them."""

    #: the field (model, name) in the field map that each form field fills: the form keeps
    #: only those whose data category the user's scope covers
    STORED_IN = {
        "first_name": (Person, "first_name"),
        "last_name": (Person, "last_name"),
        "title": (Person, "title"),
        "language": (Person, "language"),
        "nationality": (Person, "nationality"),
        "email": (ContactPoint, "value"),
        "phone": (ContactPoint, "value"),
        "organization_business_id": (Affiliation, "start"),
        "is_contact_person": (Person, "is_contact_person"),
        "is_consumer": (Person, "is_consumer"),
        "is_event_attendee": (Person, "is_event_attendee"),
        "is_service_user": (Person, "is_service_user"),
    }
    FLAGS = ("is_contact_person", "is_consumer", "is_event_attendee", "is_service_user")

    controller = forms.ModelChoiceField(
        label=_("Group company"), queryset=Controller.objects.none(), empty_label=None
    )
    first_name = _text(_("First name"), max_length=100)
    # Required-ness is the service's rule; `required=False` lets its message show.
    last_name = _text(_("Last name"), max_length=100)
    title = _text(pgettext_lazy("job title", "Title"), max_length=150)
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=Language.choices, initial=Language.FI
    )
    nationality = _text(
        _("Nationality"), max_length=2, help_text=_("Two-letter country code, e.g. FI or SE")
    )
    email = _text(_("Email"), max_length=320, widget=forms.EmailInput)
    phone = _text(_("Phone"), max_length=40, widget=forms.TextInput(attrs={"type": "tel"}))
    organization_business_id = _text(
        _("Organisation's business ID"),
        max_length=40,
        help_text=_("Y-tunnus or organisationsnummer of an organisation in the register"),
    )
    is_contact_person = forms.BooleanField(label=_("Contact person"), required=False)
    is_consumer = forms.BooleanField(label=_("Consumer customer"), required=False)
    is_event_attendee = forms.BooleanField(label=_("Event attendee"), required=False)
    is_service_user = forms.BooleanField(label=_("Service user"), required=False)

    def __init__(
        self,
        *args: Any,
        categories: Iterable[str],
        scope: Scope,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        snap = catalogue_snapshot(scope.catalogue_version)
        # What the user's purposes cover, and never a category the register does not process.
        allowed = set(categories) & set(snap.categories)
        for name, (model, stored) in self.STORED_IN.items():
            if category_of(model, stored) not in allowed:
                del self.fields[name]
        if snap.register.b2b_only:
            # A register of business contacts only: there is no consumer to mark.
            self.fields.pop("is_consumer", None)
        if editing:
            # An existing person's group company and organisation links are not edited here.
            del self.fields["controller"]
            self.fields.pop("organization_business_id", None)
        else:
            self.fields["controller"].queryset = _controllers(scope)
            for flag in ("is_event_attendee", "is_service_user"):
                self.fields.pop(flag, None)

    def data_for_service(self) -> dict[str, Any]:
        """cleaned_data as the services take it: text fields and booleans, no controller."""
        return {k: v for k, v in self.cleaned_data.items() if k != "controller"}


class OrganizationForm(forms.Form):
    controller = forms.ModelChoiceField(
        label=_("Group company"), queryset=Controller.objects.none(), empty_label=None
    )
    name = _text(_("Name"))
    country = _text(
        _("Country"), max_length=2, initial="FI", help_text=_("Two-letter code, e.g. FI or SE")
    )
    business_id = _text(
        _("Business ID"), max_length=40, help_text=_("FI Y-tunnus, SE organisationsnummer")
    )
    street = _text(_("Street address"))
    postal_code = _text(_("Postal code"), max_length=20)
    city = _text(_("City"), max_length=100)
    website = _text(_("Website"), max_length=200)
    industry = _text(_("Industry"), max_length=100)
    relationship = forms.MultipleChoiceField(
        label=_("Relationship"),
        choices=RelationshipKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, scope: Scope, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # Relationships have their own dates; they are not changed by this form.
            del self.fields["controller"]
            del self.fields["relationship"]
        else:
            self.fields["controller"].queryset = _controllers(scope)

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "controller"}
        if "relationship" in data:
            data["relationship"] = ",".join(data["relationship"])
        return data


class RelationshipForm(forms.Form):
    """Start a relationship with an organisation (kind and start date)."""

    kind = forms.ChoiceField(label=_("Relationship"), choices=RelationshipKind.choices)
    start = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EndForm(forms.Form):
    """End an organisation's relationship or a person's link to an organisation."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    end = forms.DateField(
        label=_("End"),
        required=False,
        help_text=_("Empty: today"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source_kind = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_kind"].choices = [(k, v) for k, v in SOURCE_KINDS.items()]
