"""Property-based tests of the catalogue parser (catalogue/parsing.py, catalogue/schema.py).

Any catalogue built from the format's rules loads, with every code, text and period as
written; any damaged one (a line dropped, a value replaced, text inserted anywhere) either
still loads or is refused with a CatalogueError whose every issue names a key and, where it
has one, a line of the file: never a traceback of another kind.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rekisteri.catalogue.schema import CatalogueError, parse_catalogue

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CODES = st.from_regex(r"[a-z][a-z0-9_\-]{0,30}", fullmatch=True)
# Any text but lone surrogates (which no TOML file can hold), not blank.
TEXTS = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(
    lambda t: t.strip() != ""
)
UNITS = ("days", "months", "years")


def toml_string(value: str) -> str:
    """A TOML basic string: quote, backslash and control characters (but tab) escaped."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def texts(t: dict[str, str]) -> str:
    return (
        "{ " + ", ".join(f"{lang} = {toml_string(t[lang])}" for lang in ("fi", "sv", "en")) + " }"
    )


@st.composite
def catalogues(draw: Any) -> tuple[str, dict[str, Any]]:
    three = st.fixed_dictionaries({"fi": TEXTS, "sv": TEXTS, "en": TEXTS})
    codes = draw(st.lists(CODES, min_size=4, max_size=4, unique=True))
    controller, category, purpose, role = codes
    facts = {
        "register": draw(three),
        "controller": controller,
        "controller_name": draw(TEXTS),
        "category": category,
        "category_name": draw(three),
        "purpose": purpose,
        "purpose_name": draw(three),
        "role": role,
        "role_name": draw(three),
        "period": (draw(st.integers(1, 99)), draw(st.sampled_from(UNITS))),
    }
    n, unit = facts["period"]
    text = f"""version = "1"

[register]
name = {texts(facts["register"])}

[[controllers]]
code = {toml_string(controller)}
name = {toml_string(facts["controller_name"])}
business_id = "0834973-3"
email = "info@acme.example"

[[categories]]
code = {toml_string(category)}
name = {texts(facts["category_name"])}

[[purposes]]
code = {toml_string(purpose)}
name = {texts(facts["purpose_name"])}
legal_basis = "contract"
categories = [{toml_string(category)}]
capabilities = ["keep_register"]

[[retention]]
code = "kept"
category = {toml_string(category)}
anchor = "relationship_ended"
period = "{n} {unit if n != 1 else unit.rstrip("s")}"

[[roles]]
code = {toml_string(role)}
name = {texts(facts["role_name"])}
purposes = [{toml_string(purpose)}]
"""
    return text, facts


@FAST
@given(catalogues())
def test_any_valid_catalogue_loads_with_everything_as_written(generated: Any) -> None:
    text, facts = generated
    cat = parse_catalogue(text)
    assert cat.register_policy.name == facts["register"]
    (controller,) = cat.controllers
    assert (controller.code, controller.name) == (facts["controller"], facts["controller_name"])
    (category,) = cat.categories
    assert (category.code, category.name) == (facts["category"], facts["category_name"])
    (purpose,) = cat.purposes
    assert (purpose.code, purpose.name) == (facts["purpose"], facts["purpose_name"])
    assert purpose.categories == (facts["category"],)
    (role,) = cat.roles
    assert (role.code, role.name, role.purposes) == (
        facts["role"],
        facts["role_name"],
        (facts["purpose"],),
    )
    (retention,) = cat.retention
    n, unit = facts["period"]
    assert getattr(retention.period, unit) == n


def _assert_clear(text: str) -> None:
    try:
        parse_catalogue(text)
    except CatalogueError as exc:
        lines = text.count("\n") + 2
        assert exc.issues
        for issue in exc.issues:
            assert issue.key, issue
            assert issue.message, issue
            assert issue.line is None or 1 <= issue.line <= lines, issue
            assert "Traceback" not in issue.message


JUNK = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ['"', "[", "]]", "{", "= ", "[[purposes]]", "code = 5", 'x = "', "\\u00", "\x00", "\n"]
    ),
)
VALUES = st.one_of(
    st.sampled_from(
        ["5", "true", "[]", "{}", '""', '"x"', "1979-05-27", "[1, 2]", '{ fi = "" }', "-1", "nan"]
    ),
    st.text(max_size=10).map(toml_string),
)


@FAST
@given(catalogues(), st.data())
def test_a_damaged_catalogue_loads_or_is_refused_naming_the_place(
    generated: Any, data: st.DataObject
) -> None:
    text, _ = generated
    lines = text.splitlines()
    how = data.draw(st.sampled_from(["drop", "replace", "insert"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    if how == "drop":
        del lines[i]
        damaged = "\n".join(lines)
    elif how == "replace":
        key = lines[i].split("=", 1)[0].strip() if "=" in lines[i] else "code"
        lines[i] = f"{key} = {data.draw(VALUES)}"
        damaged = "\n".join(lines)
    else:
        at = data.draw(st.integers(0, len(text)))
        damaged = text[:at] + data.draw(JUNK) + text[at:]
    _assert_clear(damaged)


@FAST
@given(st.text(max_size=200))
def test_any_text_at_all_is_refused_clearly(text: str) -> None:
    _assert_clear(text)


@pytest.mark.parametrize(
    ("replace", "by", "key"),
    [
        ('legal_basis = "contract"', 'legal_basis = "whim"', "purposes[0].legal_basis"),
        ('period = "2 years"', 'period = "for ever"', "retention[0].period"),
        ('purposes = ["customers"]', 'purposes = ["nobody"]', "roles[0].purposes"),
    ],
)
def test_refusals_name_the_key_and_the_line(replace: str, by: str, key: str) -> None:
    from rekisteri.catalogue.tests.test_schema import MINIMAL

    text = MINIMAL.replace(replace, by)
    assert text != MINIMAL
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(text)
    issue = exc.value.issues[0]
    assert issue.key.startswith(key), exc.value.issues
    assert text.splitlines()[issue.line - 1].startswith(by.split("=")[0]), exc.value.issues
