"""Validation of person and organisation input, shared by the UI, the API and the import.

Errors are a dict of field name to message; messages never repeat the value.
"""

from __future__ import annotations

import re
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
IDENTITY_CODE = "identity_code"  # catalogue-free: the API's and import's column name

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


def too_long(limit: int) -> str:
    """The message for a value over its limit; it names the limit, never the value."""
    return f"is too long: at most {limit} characters"


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


# A name, a title, an address, a code: one line of text. A control character in one (CR, LF,
# NUL, …; TAB is harmless) would start a header of its own in a campaign mail (header
# injection), and PostgreSQL refuses NUL outright. Also the Unicode line and paragraph
# separators and lone surrogates (which cannot be stored as UTF-8).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def refuse_control_characters(cleaned: Cleaned, data: dict[str, Any]) -> None:
    """Refuse, with the field named, every single-line value that holds a control character.

    Run after the other rules, so that its message wins: a value refused for a line break
    is not also reported as, say, not a valid email address."""
    for name, value in data.items():
        if isinstance(value, str) and CONTROL_CHARACTER.search(value.strip()):
            cleaned.errors[name] = "must not contain control characters"
            cleaned.values.pop(name, None)


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
    (the catalogue's `snap.identity_code_country(controller)`, see `identity_country_of`).

    Each value is stripped once and the control-character check runs once over the joined
    values (per value only when that finds one): the import calls this for every row."""
    c = Cleaned()
    values, errors = c.values, c.errors
    text = {k: "" if v is None else str(v).strip() for k, v in data.items()}
    get = text.get

    for name, limit in (("first_name", 100), ("last_name", 100), ("title", 150)):
        if name in data or not partial:
            value = get(name, "")
            if len(value) > limit:
                errors[name] = too_long(limit)
            else:
                values[name] = value
    if (
        (not partial or "last_name" in data)
        and not values.get("last_name")
        and "last_name" not in errors
    ):
        errors["last_name"] = "is required"
    if email := get("email", ""):
        _run(c, "email", normalise_email, email)
    elif "email" in data:
        values["email"] = ""
    if phone := get("phone", ""):
        _run(c, "phone", normalise_phone, phone, default_region)
    elif "phone" in data:
        values["phone"] = ""
    if language := get("language", ""):
        _run(c, "language", normalise_language, language)
    elif not partial:
        values["language"] = "fi"
    if nationality := get("nationality", ""):
        _run(c, "nationality", normalise_country, nationality)
    if business_id := get("organization_business_id", ""):
        country = get("organization_country", "") or default_region
        _run(c, "organization_business_id", normalise_business_id, business_id, country)
    if code := get(IDENTITY_CODE, ""):
        country = get("identity_code_country", "") or identity_country
        _run(c, IDENTITY_CODE, normalise_identity_code, code, country)
        values["identity_code_country"] = country.upper()
    if CONTROL_CHARACTER.search("\t".join(t for k, t in text.items() if isinstance(data[k], str))):
        refuse_control_characters(c, data)
    return c


def clean_organization(data: dict[str, Any], *, partial: bool = False) -> Cleaned:
    c = Cleaned()

    def get(key: str) -> str:
        return _text(data, key)

    if not partial or "name" in data:
        if not get("name"):
            c.errors["name"] = "is required"
        elif len(get("name")) > 255:
            c.errors["name"] = too_long(255)
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
    refuse_control_characters(c, data)
    return c
