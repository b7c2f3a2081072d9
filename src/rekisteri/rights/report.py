"""The access package's `report.html`: the same facts as data.json, written for the person.

What we hold is grouped by data category (the catalogue's name and description), each
category with how long it is kept; why (each purpose once, with its legal basis in words),
where it came from (each source once) and who receives it (each recipient once) follow as
their own sections naming the categories they concern. No catalogue code, model or field
name, record key or ISO timestamp reaches the page: labels come from the catalogue, the
models' translated names and the table below; dates are in the language's own format.
Internal helpers (the search key, the identity code's lookup hash and masked copy) are not
shown as data (they are in data.json). The data rows are written here, not by the template
engine: a package of a long-standing customer has thousands of them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import dateformat, timezone
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from rekisteri.catalogue.models import LegalBasis
from rekisteri.catalogue.selectors import Snapshot

#: the language's date and date-time formats (Django's format characters)
DATE_FORMATS = {
    "fi": ("j.n.Y", r"j.n.Y \k\l\o G.i"),
    "sv": ("Y-m-d", "Y-m-d H:i"),
    "en": ("j M Y", "j M Y, H:i"),
}

#: legal bases as the person would say them
LEGAL_BASES = {
    LegalBasis.CONSENT: gettext_lazy("your consent"),
    LegalBasis.CONTRACT: gettext_lazy("a contract with you, or steps you asked for before one"),
    LegalBasis.LEGAL_OBLIGATION: gettext_lazy("a duty the law places on us"),
    LegalBasis.LEGITIMATE_INTEREST: gettext_lazy(
        "our legitimate interest, weighed against your rights"
    ),
    LegalBasis.VITAL_INTEREST: gettext_lazy("protecting someone's life or health"),
    LegalBasis.PUBLIC_TASK: gettext_lazy("a task in the public interest"),
}

#: helpers the system keeps for itself: in data.json, not shown as data
INTERNAL_FIELDS = frozenset(
    {
        ("register.Person", "search_name"),
        ("register.IdentityCode", "lookup_hash"),
        ("register.IdentityCode", "masked"),
    }
)

#: names of records, for the person
RECORD_NAMES: dict[str, Any] = {
    "register.Person": gettext_lazy("Your details"),
    "register.ContactPoint": gettext_lazy("Contact details"),
    "register.Affiliation": pgettext_lazy("record", "Organisation link"),
    "register.IdentityCode": gettext_lazy("Personal identity code"),
    "interactions.Communication": gettext_lazy("Message or meeting"),
    "interactions.ChatTranscript": gettext_lazy("Chat"),
    "interactions.CallRecording": gettext_lazy("Call recording"),
    "interactions.ServiceRequest": gettext_lazy("Service request"),
    "interactions.ServiceRequestEvent": gettext_lazy("Service request event"),
    "interactions.EventRegistration": gettext_lazy("Event registration"),
    "interactions.Agreement": gettext_lazy("Agreement"),
    "interactions.Invoice": gettext_lazy("Invoice"),
    "interactions.Payment": gettext_lazy("Payment"),
    "interactions.ProjectAssignment": gettext_lazy("Project assignment"),
    "interactions.TimeEntry": gettext_lazy("Time entry"),
    "interactions.ServiceAccount": gettext_lazy("Service account"),
    "interactions.LoginEvent": gettext_lazy("Sign-in"),
    "interactions.UsageRecord": gettext_lazy("Service use"),
    "interactions.WebVisit": gettext_lazy("Visit to our website"),
    "interactions.PremisesVisit": gettext_lazy("Visit to our premises"),
    "interactions.CameraRecording": gettext_lazy("Camera recording"),
    "retention.LegalHold": gettext_lazy("Kept for a legal claim"),
    "consent.Consent": gettext_lazy("Consent"),
    "marketing.Subscription": gettext_lazy("Newsletter subscription"),
    "marketing.SegmentMember": gettext_lazy("Marketing group"),
    "marketing.CampaignRecipient": gettext_lazy("Marketing message sent to you"),
    "marketing.TrackingEvent": gettext_lazy("Opening or click of a marketing message"),
    "marketing.Bounce": gettext_lazy("Undelivered message"),
    "marketing.Interest": gettext_lazy("Interest"),
    "rights.RightsRequest": gettext_lazy("Your data protection request"),
    "rights.Restriction": gettext_lazy("Restriction of processing"),
    "rights.ObjectionDecision": gettext_lazy("Decision on your objection"),
}

#: fields whose model gives no translated name of its own
FIELD_NAMES: dict[tuple[str, str], Any] = {
    ("register.Person", "title"): pgettext_lazy("job title", "Title"),
    ("register.Affiliation", "title"): pgettext_lazy("job title", "Title"),
    ("register.Person", "restricted_since"): gettext_lazy("processing restricted since"),
    ("register.Person", "restriction_ground"): gettext_lazy("ground for the restriction"),
    ("register.Person", "contact_ended_on"): gettext_lazy("contact person role ended on"),
    ("register.Person", "relationship_ended_on"): gettext_lazy("customer relationship ended on"),
    ("register.ContactPoint", "value"): gettext_lazy("address or number"),
    ("register.ContactPoint", "verified_at"): gettext_lazy("confirmed"),
    ("register.ContactPoint", "undeliverable_at"): gettext_lazy("found undeliverable"),
    ("register.IdentityCode", "encrypted"): gettext_lazy("personal identity code"),
    ("interactions.Communication", "attachment"): gettext_lazy("attachment"),
    ("interactions.CallRecording", "audio"): gettext_lazy("recording"),
    ("interactions.ServiceRequestEvent", "note"): gettext_lazy("note"),
    ("interactions.LoginEvent", "ip_address"): gettext_lazy("IP address"),
    ("interactions.LoginEvent", "user_agent"): gettext_lazy("browser"),
    ("interactions.UsageRecord", "feature"): gettext_lazy("feature used"),
    ("interactions.UsageRecord", "quantity"): gettext_lazy("amount"),
    ("interactions.WebVisit", "ip_address"): gettext_lazy("IP address"),
    ("interactions.CameraRecording", "visit"): gettext_lazy("visit"),
    ("interactions.CameraRecording", "file"): gettext_lazy("recording"),
    ("consent.Consent", "purpose"): gettext_lazy("what for"),
    ("consent.Consent", "channel"): gettext_lazy("channel"),
    ("consent.Consent", "state"): gettext_lazy("answer"),
    ("consent.Consent", "method"): gettext_lazy("how it was given"),
    ("consent.Consent", "at"): gettext_lazy("when"),
    ("consent.Consent", "text"): gettext_lazy("text you were shown"),
    ("consent.Consent", "text_version"): gettext_lazy("version of the text"),
    ("consent.Consent", "ip"): gettext_lazy("IP address"),
    ("consent.Consent", "user_agent"): gettext_lazy("browser"),
    ("consent.Consent", "recorded_by"): gettext_lazy("recorded by"),
    ("marketing.Subscription", "status"): gettext_lazy("state"),
    ("marketing.Subscription", "confirmed_at"): gettext_lazy("confirmed"),
    ("marketing.Subscription", "unsubscribed_at"): gettext_lazy("unsubscribed"),
    ("marketing.SegmentMember", "rules"): gettext_lazy("why"),
    ("marketing.SegmentMember", "categories"): gettext_lazy("data used"),
    ("marketing.SegmentMember", "computed_at"): gettext_lazy("worked out"),
    ("marketing.CampaignRecipient", "email"): gettext_lazy("email address"),
    ("marketing.CampaignRecipient", "language"): gettext_lazy("language"),
    ("marketing.CampaignRecipient", "tracked"): gettext_lazy("opening and clicks followed"),
    ("marketing.CampaignRecipient", "sent_at"): gettext_lazy("sent"),
    ("marketing.CampaignRecipient", "skip_reason"): gettext_lazy("why it was not sent"),
    ("marketing.TrackingEvent", "kind"): gettext_lazy("what happened"),
    ("marketing.TrackingEvent", "url"): gettext_lazy("link"),
    ("marketing.TrackingEvent", "at"): gettext_lazy("when"),
    ("marketing.Bounce", "kind"): gettext_lazy("kind"),
    ("marketing.Bounce", "status"): gettext_lazy("status"),
    ("marketing.Bounce", "diagnostic"): gettext_lazy("message from the receiving server"),
    ("marketing.Interest", "source"): gettext_lazy("where we learnt it"),
    ("marketing.Interest", "at"): gettext_lazy("when"),
    ("rights.RightsRequest", "extension_reason"): gettext_lazy("why the answer took longer"),
    ("rights.RightsRequest", "language"): gettext_lazy("language"),
    ("rights.RightsRequest", "requester_name"): gettext_lazy("name given"),
    ("rights.RightsRequest", "requester_email"): gettext_lazy("email given"),
    ("rights.RightsRequest", "requester_phone"): gettext_lazy("phone given"),
    ("rights.RightsRequest", "requester_address"): gettext_lazy("address given"),
    ("rights.RightsRequest", "details"): gettext_lazy("what you asked"),
    ("rights.RightsRequest", "changes"): gettext_lazy("changes asked for"),
    ("rights.RightsRequest", "verification_note"): gettext_lazy("how we confirmed it was you"),
    ("rights.RightsRequest", "refusal_text"): gettext_lazy("why we refused"),
    ("rights.RightsRequest", "outcome"): gettext_lazy("outcome"),
    ("rights.Restriction", "ground"): gettext_lazy("ground"),
    ("rights.ObjectionDecision", "reasons"): gettext_lazy("reasons"),
}


def texts(names: Any, lang: str, fallback: str = "") -> str:
    """A catalogue text ({fi, sv, en}) in the language."""
    if isinstance(names, dict):
        return names.get(lang) or names.get("en") or next(iter(names.values()), fallback)
    return str(names) if names else fallback


def when(value: Any, lang: str) -> str:
    """A date or time (or its ISO text) in the language's format, local time, no seconds."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return value
    date_format, datetime_format = DATE_FORMATS.get(lang, DATE_FORMATS["en"])
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, datetime_format)
    if isinstance(value, date):
        return dateformat.format(value, date_format)
    return "" if value is None else str(value)


def retention_words(rule: Any, lang: str) -> str:
    """A retention rule as the catalogue words it, or its period in words."""
    text = texts(rule.description, lang)
    if text:
        return text
    periods = [
        ngettext("%(n)d year", "%(n)d years", n) % {"n": n} for n in [rule.period_years] if n
    ] + [ngettext("%(n)d month", "%(n)d months", n) % {"n": n} for n in [rule.period_months] if n]
    periods += [ngettext("%(n)d day", "%(n)d days", n) % {"n": n} for n in [rule.period_days] if n]
    if not periods:
        return _("Until the reason for keeping it ends.")
    return _("For %(period)s after the reason for keeping it ends.") % {
        "period": ", ".join(periods)
    }


def legal_basis_words(basis: str) -> str:
    return str(LEGAL_BASES.get(basis, basis))


def _field(model_label: str, name: str) -> models.Field | None:
    try:
        return apps.get_model(model_label)._meta.get_field(name)  # type: ignore[return-value]
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def field_name(model_label: str, name: str) -> str:
    label = FIELD_NAMES.get((model_label, name))
    named = label is not None
    if label is None:
        f = _field(model_label, name)
        label = f.verbose_name if f is not None else name.replace("_", " ")
        # a verbose_name of its own is translated; one Django made of the field's name
        # ("subject", "message") is English: our catalogue has most of them capitalised
        named = f is not None and str(f.verbose_name) != name.replace("_", " ")
    text = str(label)
    text = text[:1].upper() + text[1:]
    return text if named else _(text)


def record_name(model_label: str) -> str:
    label = RECORD_NAMES.get(model_label)
    named = True
    if label is None:
        try:
            meta = apps.get_model(model_label)._meta
            label = meta.verbose_name
            # a name Django made of the class ("message") is English: translated here
            named = "verbose_name" in meta.original_attrs
        except (LookupError, ValueError):
            label = _("Record")
    text = str(label)
    text = text[:1].upper() + text[1:]
    return text if named else _(text)


def shown_value(item: dict[str, Any], snap: Snapshot, lang: str) -> str:
    """The item's value as the person reads it: choices by their labels, purposes and
    categories by their names, dates in the language's format, yes/no."""
    value = item["value"]
    f = _field(item["model"], item["field"])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(shown_value({**item, "value": v}, snap, lang) for v in value.values())
    if isinstance(value, list):
        return ", ".join(shown_value({**item, "value": v}, snap, lang) for v in value)
    if isinstance(value, str) and value in snap.purposes and item["field"] == "purpose":
        return texts(snap.purposes[value].name, lang, value)
    if isinstance(value, str) and value in snap.categories and item["field"] == "categories":
        return texts(snap.categories[value].name, lang, value)
    if f is not None and getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    if f is not None and isinstance(f, models.ForeignKey | models.FileField):
        return _("kept") if value not in (None, "") else ""
    if f is not None and isinstance(f, models.DateTimeField | models.DateField):
        return when(value, lang)
    if f is not None and isinstance(f, models.DecimalField) and isinstance(value, str):
        try:
            return number_format(Decimal(value))
        except InvalidOperation:
            return value
    if isinstance(value, int | float):
        return number_format(value)
    return "" if value is None else str(value)


def report_sections(items: list[dict[str, Any]], snap: Snapshot, lang: str) -> dict[str, Any]:
    """The report's sections: the data by category (rows as escaped HTML), and each
    purpose, source and recipient once with the categories it concerns."""
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        if (item["model"], item["field"]) in INTERNAL_FIELDS:
            continue
        by_category[item["category"]].append(item)

    def cat_name(code: str) -> str:
        c = snap.categories.get(code)
        return texts(c.name, lang, code) if c else _("Other data")

    categories = []
    sources: dict[str, dict[str, Any]] = {}
    for code, rows in sorted(by_category.items(), key=lambda kv: cat_name(kv[0])):
        category = snap.categories.get(code)
        ends = sorted({i["retention_end"] for i in rows if i["retention_end"]})
        kept = " ".join(retention_words(rule, lang) for rule in snap.retention.get(code, ()))
        if ends:
            kept = _("%(rule)s For your data: until %(date)s.") % {
                "rule": kept,
                "date": when(ends[-1], lang),
            }
        for i in rows:
            s = i["source"]
            key = s["name"] if s else _("Not recorded")
            entry = sources.setdefault(key, {"name": key, "categories": []})
            if cat_name(code) not in entry["categories"]:
                entry["categories"].append(cat_name(code))
        categories.append(
            {
                "name": cat_name(code),
                "description": texts(category.description, lang) if category else "",
                "kept": kept or _("While our relationship lasts."),
                "rows": _rows(rows, snap, lang),
            }
        )
    held = set(by_category)
    purposes = []
    recipients: dict[str, dict[str, Any]] = {}
    for p in snap.purposes.values():
        used = sorted(p.categories & held)
        if not used:
            continue
        bases = [e.basis for e in p.legal_bases] or [p.legal_basis]
        purposes.append(
            {
                "name": texts(p.name, lang, p.code),
                "description": texts(p.description, lang),
                "bases": [legal_basis_words(b) for b in dict.fromkeys(bases)],
                "categories": [cat_name(c) for c in used],
            }
        )
        for r_code in p.recipients:
            r = snap.recipients.get(r_code)
            entry = recipients.setdefault(
                r_code,
                {
                    "name": texts(r.name, lang, r_code) if r else _("Recipient"),
                    "description": texts(r.description, lang) if r else "",
                    "categories": [],
                },
            )
            for c in used:
                if cat_name(c) not in entry["categories"]:
                    entry["categories"].append(cat_name(c))
    return {
        "categories": categories,
        "purposes": purposes,
        "sources": sorted(sources.values(), key=lambda s: s["name"]),
        "recipients": sorted(recipients.values(), key=lambda r: r["name"]),
    }


def _rows(items: list[dict[str, Any]], snap: Snapshot, lang: str) -> SafeString:
    """One block per record: its name, then what it holds (empty fields left out)."""
    out = []
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in items:
        records[i["record"]].append(i)
    for rows in records.values():
        cells = []
        for i in rows:
            value = shown_value(i, snap, lang)
            if value == "":
                continue
            cells.append(
                f'<tr><th scope="row">{conditional_escape(field_name(i["model"], i["field"]))}'
                f"</th><td>{conditional_escape(value)}</td></tr>"
            )
        if cells:
            out.append(
                f'<table class="record"><caption>{conditional_escape(record_name(rows[0]["model"]))}'
                f"</caption><tbody>{''.join(cells)}</tbody></table>"
            )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
