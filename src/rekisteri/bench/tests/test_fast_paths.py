"""Fast paths added for the benchmark give the same answers as the slow paths they skip."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from rekisteri.register.validators import InvalidValue, normalise_email

ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-."
DOMAINS = st.sampled_from(
    [
        "example.fi",
        "Yritys42.FI",
        "mail.telia.se",
        "localhost",
        "a..b.fi",
        "-bad.fi",
        "xn--kkset-graa.fi",
        "fi",
        "tiny.c",
        "x" * 70 + ".fi",
        "",
        "123.45.67.89",
    ]
)


def full_path(text: str) -> str | None:
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def ours(text: str) -> str | None:
    try:
        return normalise_email(text)
    except InvalidValue:
        return None


@settings(max_examples=400, deadline=None)
@given(local=st.text(alphabet=ATEXT, min_size=0, max_size=70), domain=DOMAINS)
def test_email_fast_path_agrees_with_email_validator(local: str, domain: str) -> None:
    text = f"{local}@{domain}"
    assert ours(text) == full_path(text)


def test_email_fast_path_keeps_the_full_paths_errors_and_normal_form() -> None:
    assert normalise_email(" Maija.Virtanen@Yritys.FI ") == "maija.virtanen@yritys.fi"
    assert ours("maija..virtanen@yritys.fi") is None
    assert ours("maija@") is None
    assert ours("@yritys.fi") is None
    assert normalise_email("jörgen@yritys.fi") == full_path("jörgen@yritys.fi")
