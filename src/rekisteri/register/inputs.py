"""Validation of person and organisation input, shared by the UI, the API and the import.

Errors are a dict of field name to message; messages never repeat the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rekisteri.register.models import RelationshipKind
from rekisteri.register.validators import (
    InvalidValue,
    normalise_business_id,
    normalise_country,
    normalise_email,
    normalise_identity_code,
    normalise_language,
    normalise_phone,
)

#: The input field (API body, CSV column, form field) of a personal identity code. Its name
#: is the public interface's; the data category it is stored under is the field map's
#: (`IdentityCode.encrypted`), whatever the catalogue calls it.
IDENTITY_CODE = "identity_code"

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "language",
    "nationality",
    "organization_business_id",
    IDENTITY_CODE,
    "identity_code_country",
)
ORGANIZATION_FIELDS = (
    "name",
    "business_id",
    "country",
    "street",
    "postal_code",
    "city",
    "website",
    "relationship",
    "industry",
)


class InputError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Cleaned:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def ok(self) -> bool:
        return not self.errors


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _run(cleaned: Cleaned, name: str, func: Any, *args: Any) -> None:
    try:
        cleaned.values[name] = func(*args)
    except InvalidValue as exc:
        cleaned.errors[name] = str(exc)


def clean_person(
    data: dict[str, Any],
    *,
    partial: bool = False,
    default_region: str = "FI",
    identity_country: str = "FI",
) -> Cleaned:
    """`identity_country`: whose identity code a code without `identity_code_country` is
    (the catalogue's `snap.identity_code_country(controller)`, see `identity_country_of`)."""
    c = Cleaned()

    def get(key: str) -> str:
        return _text(data, key)

    for name in ("first_name", "last_name", "title"):
        if name in data or not partial:
            value = get(name)
            if len(value) > (150 if name == "title" else 100):
                c.errors[name] = "is too long"
            else:
                c.values[name] = value
    if (not partial or "last_name" in data) and not c.values.get("last_name"):
        c.errors["last_name"] = "is required"
    if get("email"):
        _run(c, "email", normalise_email, get("email"))
    elif "email" in data:
        c.values["email"] = ""
    if get("phone"):
        _run(c, "phone", normalise_phone, get("phone"), default_region)
    elif "phone" in data:
        c.values["phone"] = ""
    if get("language"):
        _run(c, "language", normalise_language, get("language"))
    elif not partial:
        c.values["language"] = "fi"
    if get("nationality"):
        _run(c, "nationality", normalise_country, get("nationality"))
    if get("organization_business_id"):
        country = get("organization_country") or default_region
        _run(
            c,
            "organization_business_id",
            normalise_business_id,
            get("organization_business_id"),
            country,
        )
    if get(IDENTITY_CODE):
        country = get("identity_code_country") or identity_country
        _run(c, IDENTITY_CODE, normalise_identity_code, get(IDENTITY_CODE), country)
        c.values["identity_code_country"] = country.upper()
    return c


def clean_organization(data: dict[str, Any], *, partial: bool = False) -> Cleaned:
    c = Cleaned()

    def get(key: str) -> str:
        return _text(data, key)

    if not partial or "name" in data:
        if not get("name"):
            c.errors["name"] = "is required"
        elif len(get("name")) > 255:
            c.errors["name"] = "is too long"
        else:
            c.values["name"] = get("name")
    country = "FI"
    if get("country"):
        try:
            country = normalise_country(get("country"))
            c.values["country"] = country
        except InvalidValue as exc:
            c.errors["country"] = str(exc)
    elif not partial:
        c.values["country"] = country
    if get("business_id"):
        _run(c, "business_id", normalise_business_id, get("business_id"), country)
    elif "business_id" in data or not partial:
        c.values["business_id"] = ""
    for name in ("street", "postal_code", "city", "industry"):
        if name in data or not partial:
            c.values[name] = get(name)
    if get("website"):
        url = get("website")
        if not url.startswith(("http://", "https://")):
            url = "https://" + url
        if " " in url or "." not in url:
            c.errors["website"] = "is not a web address"
        else:
            c.values["website"] = url
    elif "website" in data or not partial:
        c.values["website"] = ""
    if get("relationship"):
        kinds = [
            k.strip().lower() for k in get("relationship").replace(";", ",").split(",") if k.strip()
        ]
        aliases = {
            "asiakas": "customer",
            "kund": "customer",
            "prospekti": "prospect",
            "potentiaalinen asiakas": "prospect",
            "toimittaja": "supplier",
            "leverantör": "supplier",
            "kumppani": "partner",
            "yhteistyökumppani": "partner",
        }
        kinds = [aliases.get(k, k) for k in kinds]
        bad = [k for k in kinds if k not in RelationshipKind.values]
        if bad:
            c.errors["relationship"] = "must be customer, prospect, supplier or partner"
        else:
            c.values["relationship"] = kinds
    return c


# --- What this register processes: the catalogue's categories and policies ----------------
#
# The field map says what the code can hold; the catalogue says what the company does. A
# person input field whose data category the catalogue does not declare is refused by name
# (API, import, services), and a register that keeps no private individuals (`b2b_only`)
# refuses a consumer. The UI, the API and the import call `register_policy_errors`.

NOT_PROCESSED = "this register does not process this kind of data"
NO_CONSUMERS = "this register keeps business contacts only, not consumers"

#: The field of the field map (model label, field) that each person input field fills.
PERSON_INPUT_STORED_IN: dict[str, tuple[str, str]] = {
    "first_name": ("register.Person", "first_name"),
    "last_name": ("register.Person", "last_name"),
    "title": ("register.Person", "title"),
    "language": ("register.Person", "language"),
    "nationality": ("register.Person", "nationality"),
    "is_contact_person": ("register.Person", "is_contact_person"),
    "is_consumer": ("register.Person", "is_consumer"),
    "is_event_attendee": ("register.Person", "is_event_attendee"),
    "is_service_user": ("register.Person", "is_service_user"),
    "email": ("register.ContactPoint", "value"),
    "phone": ("register.ContactPoint", "value"),
    "organization_business_id": ("register.Affiliation", "start"),
    "organization_country": ("register.Affiliation", "start"),
    "department": ("register.Affiliation", "department"),
    "role": ("register.Affiliation", "role"),
    IDENTITY_CODE: ("register.IdentityCode", "encrypted"),
    "identity_code_country": ("register.IdentityCode", "encrypted"),
}


def person_input_category(name: str) -> str | None:
    """The data category an input field of a person is stored under (None: not a field)."""
    from django.apps import apps

    from rekisteri.common.personal import field_category

    stored = PERSON_INPUT_STORED_IN.get(name)
    if stored is None:
        return None
    model, field_name = stored
    category = field_category(apps.get_model(model)._meta.get_field(field_name))
    if category is None:  # the field map lost the field: fail closed, never "processed"
        raise LookupError(f"{model}.{field_name} names no data category")
    return category


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().casefold() in YES


#: How a spreadsheet says "yes" in a yes/no column (the import's `is_consumer`).
YES = frozenset({"1", "x", "true", "yes", "y", "kyllä", "k", "ja", "j"})
NO = frozenset({"", "0", "false", "no", "n", "ei", "e", "nej"})


def register_policy_errors(data: dict[str, Any], snap: Any) -> dict[str, str]:
    """What the register's catalogue refuses in a person's input, by field.

    `snap` is the catalogue snapshot: a field given a value whose category it does not
    declare is refused (NOT_PROCESSED), and under `b2b_only` a consumer (NO_CONSUMERS)."""
    errors: dict[str, str] = {}
    declared = snap.categories
    for name, value in data.items():
        category = person_input_category(name)
        if category is not None and _given(value) and category not in declared:
            errors[name] = NOT_PROCESSED
    if snap.register.b2b_only and "is_consumer" not in errors and _yes(data.get("is_consumer")):
        errors["is_consumer"] = NO_CONSUMERS
    return errors


def identity_country_of(snap: Any, controller_code: str) -> str:
    """Whose identity codes a controller's persons have when no country is given."""
    return str(snap.identity_code_country(controller_code))
