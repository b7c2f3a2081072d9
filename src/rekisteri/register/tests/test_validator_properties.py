"""Property-based tests of the identifier and contact validators (issue 14, item 11).

Each valid identifier is built here from its own published rule (check digit, Luhn, the
henkilötunnus check character and century signs), independently of python-stdnum which the
validators use; the properties say what a user relies on: every valid form is accepted and
normalised to one canonical form (so that duplicates are found), a changed check digit is
refused, and no input at all — any Unicode, control characters, lone surrogates — makes a
validator fail with anything but InvalidValue, whose message never repeats the input.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rekisteri.register.inputs import CONTROL_CHARACTER, clean_person
from rekisteri.register.validators import (
    CENTURY_SIGNS_2023,
    InvalidValue,
    normalise_business_id,
    normalise_email,
    normalise_identity_code,
    normalise_phone,
)

FAST = settings(max_examples=150, deadline=None)
DIGITS = "0123456789"
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"

# Any text: every Unicode category, lone surrogates and control characters included.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)


def ytunnus_check(digits: str) -> int | None:
    """The Y-tunnus check digit (weights 7 9 10 5 8 4 2, modulo 11); None: no valid one."""
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 0:
        return 0
    return None if remainder == 1 else 11 - remainder


def luhn_check(digits: str) -> int:
    """The Luhn check digit to append to `digits` (organisationsnummer, personnummer)."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def other_digit(digit: int, shift: int) -> str:
    return str((digit + 1 + shift % 9) % 10)


# --- Y-tunnus --------------------------------------------------------------------------


@FAST
@given(st.text(DIGITS, min_size=7, max_size=7), st.integers(0, 8))
def test_ytunnus_valid_forms_normalise_to_one_and_a_wrong_check_digit_is_refused(
    body: str, shift: int
) -> None:
    check = ytunnus_check(body)
    if check is None:
        for digit in DIGITS:
            with pytest.raises(InvalidValue):
                normalise_business_id(f"{body}-{digit}", "FI")
        return
    canonical = f"{body}-{check}"
    for form in (canonical, f"{body}{check}", f" {body} - {check} "):
        assert normalise_business_id(form, "FI") == canonical
    with pytest.raises(InvalidValue):
        normalise_business_id(f"{body}-{other_digit(check, shift)}", "FI")


# --- organisationsnummer ---------------------------------------------------------------


@FAST
@given(st.text(DIGITS, min_size=9, max_size=9), st.integers(0, 8))
def test_organisationsnummer_valid_forms_normalise_to_one_and_luhn_is_checked(
    body: str, shift: int
) -> None:
    check = luhn_check(body)
    number = f"{body}{check}"
    canonical = f"{number[:6]}-{number[6:]}"
    for form in (canonical, number, f"{number[:6]} {number[6:]}"):
        assert normalise_business_id(form, "SE") == canonical
    with pytest.raises(InvalidValue):
        normalise_business_id(f"{body}{other_digit(check, shift)}", "SE")


# --- henkilötunnus, with the century signs of 2023 --------------------------------------


def century_signs(year: int) -> str:
    return {18: "+", 19: CENTURY_SIGNS_2023[:6], 20: CENTURY_SIGNS_2023[7:]}[year // 100]


@st.composite
def henkilotunnus(draw: st.DrawFn) -> tuple[str, dt.date, int]:
    born = draw(st.dates(dt.date(1800, 1, 1), dt.date(2099, 12, 31)))
    sign = draw(st.sampled_from(century_signs(born.year)))
    individual = draw(st.integers(2, 999))  # 900-999: temporary codes, accepted
    digits = f"{born:%d%m}{born.year % 100:02d}{individual:03d}"
    code = f"{digits[:6]}{sign}{digits[6:]}{HETU_CHECK[int(digits) % 31]}"
    return code, born, individual


def test_the_2023_century_signs_are_all_there() -> None:
    assert set(CENTURY_SIGNS_2023) == set("+-YXWVUABCDEF")


@FAST
@given(henkilotunnus(), st.integers(1, 30))
def test_henkilotunnus_with_any_century_sign_is_accepted_and_a_wrong_check_refused(
    generated: tuple[str, dt.date, int], shift: int
) -> None:
    code, _born, _individual = generated
    assert normalise_identity_code(code.lower(), "FI") == code
    assert normalise_identity_code(f" {code} ", "fi") == code
    wrong = HETU_CHECK[(HETU_CHECK.index(code[-1]) + shift) % 31]
    with pytest.raises(InvalidValue):
        normalise_identity_code(code[:-1] + wrong, "FI")


@FAST
@given(henkilotunnus())
def test_henkilotunnus_of_the_2000s_takes_every_new_sign(
    generated: tuple[str, dt.date, int],
) -> None:
    code, born, _individual = generated
    for sign in century_signs(born.year):
        other = code[:6] + sign + code[7:]
        assert normalise_identity_code(other, "FI") == other


# --- personnummer ----------------------------------------------------------------------


@st.composite
def personnummer(draw: st.DrawFn) -> tuple[str, dt.date]:
    # under 100 today, whatever the day the tests run: "-"
    born = draw(st.dates(dt.date(dt.date.today().year - 99, 1, 1), dt.date(2020, 12, 31)))
    serial = draw(st.integers(0, 999))
    digits = f"{born:%y%m%d}{serial:03d}"
    number = digits + str(luhn_check(digits))
    return f"{number[:6]}-{number[6:]}", born


@FAST
@given(personnummer(), st.integers(0, 8))
def test_personnummer_is_normalised_and_luhn_is_checked(
    generated: tuple[str, dt.date], shift: int
) -> None:
    canonical, _born = generated
    compact = canonical.replace("-", "")
    assert normalise_identity_code(canonical, "SE") == canonical
    assert normalise_identity_code(compact, "SE") == canonical
    wrong = compact[:-1] + other_digit(int(compact[-1]), shift)
    with pytest.raises(InvalidValue):
        normalise_identity_code(wrong, "SE")


@settings(max_examples=20, deadline=None)
@given(personnummer())
def test_personnummer_with_the_century_normalises_like_without(
    generated: tuple[str, dt.date],
) -> None:
    canonical, born = generated
    assert normalise_identity_code(f"{born.year // 100}{canonical}", "SE") == canonical
    assert normalise_identity_code(f"{born.year // 100}{canonical}".replace("-", ""), "SE") == (
        canonical
    )


def test_personnummer_of_someone_over_100_keeps_the_century_in_the_plus() -> None:
    assert normalise_identity_code("19181228-9872", "SE")[6] == "+"
    assert normalise_identity_code("191812289872", "SE") == normalise_identity_code(
        "181228+9872", "SE"
    )


# --- phone -----------------------------------------------------------------------------


@FAST
@given(
    st.sampled_from(["040", "041", "044", "045", "046", "050"]),
    st.text(DIGITS, min_size=7, max_size=7),
)
def test_finnish_mobile_numbers_are_one_number_in_every_form(prefix: str, rest: str) -> None:
    e164 = f"+358{prefix[1:]}{rest}"
    assert normalise_phone(f"{prefix}{rest}", "FI") == e164
    assert normalise_phone(f"{prefix} {rest[:3]} {rest[3:]}", "FI") == e164
    assert normalise_phone(e164, "SE") == e164
    assert normalise_phone(f"00358{prefix[1:]}{rest}", "FI") == e164


# --- email -----------------------------------------------------------------------------

ATOM = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-",
    min_size=1,
    max_size=12,
)
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@FAST
@given(
    st.lists(ATOM, min_size=1, max_size=3),
    st.lists(LABEL, min_size=1, max_size=3),
    st.sampled_from(["fi", "se", "com", "example"]),
)
def test_plain_addresses_are_accepted_and_lower_cased(
    atoms: list[str], labels: list[str], tld: str
) -> None:
    address = f"{'.'.join(atoms)}@{'.'.join(labels)}.{tld}"
    normalised = normalise_email(address.upper() if address.isascii() else address)
    assert normalised == address.lower()
    assert normalise_email(normalised) == normalised


# --- any input --------------------------------------------------------------------------

E164 = re.compile(r"\+[1-9][0-9]{6,14}")


@FAST
@given(ANY_TEXT)
def test_no_input_makes_a_validator_fail_otherwise_than_by_saying_what_is_wrong(
    text: str,
) -> None:
    checks = {
        "email": normalise_email,
        "phone": lambda v: normalise_phone(v, "FI"),
        "ytunnus": lambda v: normalise_business_id(v, "FI"),
        "orgnr": lambda v: normalise_business_id(v, "SE"),
        "hetu": lambda v: normalise_identity_code(v, "FI"),
        "personnummer": lambda v: normalise_identity_code(v, "SE"),
    }
    for name, check in checks.items():
        try:
            value = check(text)
        except InvalidValue as exc:
            if len(text.strip()) >= 8:
                assert text.strip() not in str(exc), f"{name} repeats the input"
            continue
        # Whatever is accepted is a fixed point: normalising again changes nothing.
        assert check(value) == value, name
        if name == "phone":
            assert E164.fullmatch(value)
        if name == "email":
            assert value == value.lower() and value.count("@") == 1


@FAST
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_a_control_character_in_any_field_is_refused_with_that_field_named(
    first: str, last: str, title: str
) -> None:
    data = {"first_name": first, "last_name": last or "Aalto", "title": title}

    cleaned = clean_person(data)

    for name, value in data.items():
        if CONTROL_CHARACTER.search(value.strip()):
            assert cleaned.errors.get(name) == "must not contain control characters"
            assert name not in cleaned.values
        elif name in cleaned.values:
            assert not CONTROL_CHARACTER.search(cleaned.values[name])
