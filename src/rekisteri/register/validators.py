"""Validators and normalisers for identifiers and contact details.

Each raises InvalidValue with a message that names what is wrong but never repeats the
value itself, so errors can be shown and logged without leaking personal data.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import phonenumbers
from django.utils.translation import gettext_noop
from email_validator import (
    EmailNotValidError,
    EmailSyntaxError,
    EmailUndeliverableError,
    validate_email,
)
from stdnum import exceptions as stdnum_exc
from stdnum.fi import hetu, ytunnus
from stdnum.se import orgnr, personnummer

CENTURY_SIGNS_2023 = "-YXWVU+ABCDEF"  # henkilötunnus century signs since 1 January 2023


class InvalidValue(ValueError):
    pass


def normalise_business_id(value: str, country: str) -> str:
    """FI Y-tunnus as 1234567-8, SE organisationsnummer as 556012-5790; others kept as given."""
    value = (value or "").strip()
    country = (country or "").upper()
    if not value:
        raise InvalidValue("business ID is empty")
    # Every country's business ID is written in these characters (the API's schema says so);
    # a Y-tunnus in full-width digits or with a Unicode dash is refused, not guessed at.
    if not re.fullmatch(r"[A-Za-z0-9 .\-/]{2,40}", value):
        raise InvalidValue("business ID may hold only letters, digits, spaces, '.', '-' and '/'")
    try:
        if country == "FI":
            return ytunnus.format(ytunnus.validate(value))
        if country == "SE":
            return orgnr.format(orgnr.validate(value))
    except stdnum_exc.InvalidChecksum as exc:
        kind = "Y-tunnus" if country == "FI" else "organisationsnummer"
        raise InvalidValue(f"not a valid {kind}: the check digit does not match") from exc
    except stdnum_exc.ValidationError as exc:
        kind = "Y-tunnus" if country == "FI" else "organisationsnummer"
        raise InvalidValue(f"not a valid {kind}: {exc.message}") from exc
    if not re.fullmatch(r"[A-Za-z0-9 .\-/]{2,40}", value):
        raise InvalidValue("business ID may hold only letters, digits, spaces, '.', '-' and '/'")
    return value


def normalise_identity_code(value: str, country: str) -> str:
    """FI henkilötunnus (with the 2023 century signs) or SE personnummer, compact form."""
    value = (value or "").strip().upper()
    country = (country or "").upper()
    try:
        if country == "FI":
            return hetu.validate(value, allow_temporary=True)
        if country == "SE":
            return _personnummer_ten_digits(personnummer.validate(value))
    except stdnum_exc.ValidationError as exc:
        kind = "henkilötunnus" if country == "FI" else "personnummer"
        raise InvalidValue(f"not a valid {kind}: {exc.message}") from exc
    raise InvalidValue(
        f"personal identity codes of country {country or '?'} are not supported (FI, SE)"
    )


def _personnummer_ten_digits(number: str, today: dt.date | None = None) -> str:
    """One form for one person: YYMMDD-NNNN, as the Swedish authorities write it.

    A 12-digit number (19811228-9874) is written with ten digits; its century stays in the
    separator, a plus from the year the person turns 100 (Folkbokföringslagen §18), which is
    how a 10-digit number typed by hand carries it."""
    if len(number) == 11:
        return number
    born = personnummer.get_birth_date(number)
    year = (today or dt.date.today()).year
    separator = "+" if year - born.year >= 100 else "-"
    return f"{number[2:8]}{separator}{number[-4:]}"


def mask_identity_code(value: str) -> str:
    """Show the date part and hide the individual number and check: 131052-****."""
    if len(value) < 5:
        return "****"
    return value[:-4] + "****"


# Most addresses are plain ASCII "dot-atom" addresses at a few domains (a company's contacts
# share one). For those the local part is checked by this pattern and the domain by
# email-validator once per domain: an import spent most of its time validating the same
# domains again (docs/performance.md). Anything else takes the full path, which also gives
# the error message.
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@functools.lru_cache(maxsize=8192)
def _email_domain(domain: str) -> str | None:
    """The domain as email-validator normalises it, or None if it is not valid."""
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


#: email-validator's reasons (English only, worded by the library) → ours, which are
#: translated (register.forms.translate_message): the first pattern found in its message
#: wins; an unknown reason falls back to the exception's kind.
_EMAIL_REASONS = (
    ("must have an @-sign", gettext_noop("an @ sign is missing")),
    ("something after the @-sign", gettext_noop("the domain after the @ sign is missing")),
    ("something before the @-sign", gettext_noop("the name before the @ sign is missing")),
    ("two periods in a row", gettext_noop("it has two periods in a row")),
    ("start with a period", gettext_noop("it starts or ends with a period")),
    ("end with a period", gettext_noop("it starts or ends with a period")),
    ("should have a period", gettext_noop("the domain after the @ sign has no period")),
    (
        "special-use or reserved name",
        gettext_noop("the domain is reserved and cannot receive email"),
    ),
    ("too long", gettext_noop("it is too long")),
    ("invalid characters", gettext_noop("it contains characters an email address cannot have")),
)
_EMAIL_KINDS = {
    EmailSyntaxError: gettext_noop("it is not written as an email address is"),
    EmailUndeliverableError: gettext_noop("its domain does not receive email"),
}


def _email_reason(exc: EmailNotValidError) -> str:
    """Why email-validator refused an address, in our words (English, to be translated)."""
    text = str(exc)
    for pattern, reason in _EMAIL_REASONS:
        if pattern in text:
            return reason
    for kind, reason in _EMAIL_KINDS.items():
        if isinstance(exc, kind):
            return reason
    return gettext_noop("it is not written as an email address is")


def normalise_email(value: str) -> str:
    text = (value or "").strip()
    local, at, domain = text.rpartition("@")
    if (
        at
        and domain.isascii()
        and len(local) <= 64
        and len(text) <= 254
        and _DOT_ATOM.fullmatch(local)
    ):
        checked = _email_domain(domain)
        if checked is not None:
            return f"{local}@{checked}".lower()
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidValue(f"not a valid email address: {_email_reason(exc)}") from exc
    return result.normalized.lower()


def normalise_phone(value: str, default_region: str = "FI") -> str:
    """To E.164; numbers without a country code are read in the default region."""
    try:
        number = phonenumbers.parse((value or "").strip(), default_region or "FI")
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue("not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue("not a valid phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_country(value: str) -> str:
    value = (value or "").strip().upper()
    aliases = {"SUOMI": "FI", "FINLAND": "FI", "SVERIGE": "SE", "SWEDEN": "SE", "RUOTSI": "SE"}
    value = aliases.get(value, value)
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise InvalidValue("country must be a two-letter code such as FI or SE")
    return value


def normalise_language(value: str) -> str:
    value = (value or "").strip().lower()
    aliases = {
        "suomi": "fi",
        "finnish": "fi",
        "svenska": "sv",
        "swedish": "sv",
        "ruotsi": "sv",
        "english": "en",
        "englanti": "en",
        "engelska": "en",
        "finska": "fi",
    }
    value = aliases.get(value, value)
    if value not in ("fi", "sv", "en"):
        raise InvalidValue("language must be fi, sv or en")
    return value
