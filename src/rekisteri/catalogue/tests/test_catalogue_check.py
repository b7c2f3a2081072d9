from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rekisteri.catalogue.schema import CatalogueError, parse_catalogue
from rekisteri.common.personal import field_map_problems
from rekisteri.testing.fixtures import DEMO_CATALOGUE


def demo_text() -> str:
    return DEMO_CATALOGUE.read_text(encoding="utf-8")


def test_every_installed_model_field_holding_personal_data_is_mapped():
    assert field_map_problems() == []


def test_demo_catalogue_is_valid_and_check_prints_what_it_holds(db, capsys):
    call_command("catalogue", "check", str(DEMO_CATALOGUE))
    out = capsys.readouterr().out
    assert "is valid" in out
    assert "chat-3-months" in out and "direct_marketing" in out


def test_purpose_naming_a_missing_category_fails_with_key_and_line():
    text = demo_text().replace(
        'categories = ["service_use", "web_visits", "premises_visits"]',
        'categories = ["service_use", "web_visits", "cctv"]',
    )
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(text)
    issue = exc.value.issues[0]
    assert "cctv" in issue.message
    assert issue.key.startswith("purposes[") and issue.key.endswith(".categories")
    line = text.splitlines()[issue.line - 1]
    assert "cctv" in line


def test_category_without_retention_rule_fails_naming_it(tmp_path: Path, db):
    text = (
        demo_text()
        + '\n[[categories]]\ncode = "vehicle_data"\nname = { fi = "Ajoneuvo", sv = "Fordon", en = "Vehicle" }\n'
    )
    path = tmp_path / "cat.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("catalogue", "check", str(path))
    assert "vehicle_data" in str(exc.value) and "no retention rule" in str(exc.value)
    assert f"line {len(demo_text().splitlines()) + 3}" in str(exc.value)


def without_kyc(text: str) -> str:
    """The demo catalogue without its 'kyc' category (and its uses)."""
    import re

    text = re.sub(r'\[\[categories\]\]\ncode = "kyc"\n(?:.*\n){3}', "", text)
    text = re.sub(r'\[\[retention\]\]\ncode = "kyc-5-years"\n(?:.*\n){6}', "", text)
    return text.replace('"kyc", ', "")


def test_a_category_the_catalogue_does_not_declare_is_off_not_an_error(tmp_path: Path, db, capsys):
    # Person.is_beneficial_owner maps to 'kyc'; a company that does no KYC leaves it out.
    path = tmp_path / "cat.toml"
    path.write_text(without_kyc(demo_text()), encoding="utf-8")
    call_command("catalogue", "check", str(path))
    out = capsys.readouterr().out
    assert "is valid" in out
    assert "category 'kyc' is not declared, so these fields are off" in out
    assert "register.Person.is_beneficial_owner" in out


def test_a_purpose_naming_an_undeclared_category_is_an_error(tmp_path: Path, db):
    text = without_kyc(demo_text()).replace(
        'categories = ["basic", "identity_code", "organisation_link"',
        'categories = ["basic", "kyc", "identity_code", "organisation_link"',
    )
    assert '"kyc"' in text
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(text)
    issue = exc.value.issues[0]
    assert issue.key.endswith(".categories") and "'kyc'" in issue.message
    assert "kyc" in text.splitlines()[issue.line - 1]


def test_legitimate_interest_without_statement_is_refused():
    text = demo_text().replace(
        'legitimate_interest = { fi = "Yhteistyön hoitaminen valittujen kumppaneiden kanssa.", sv = "Att sköta samarbetet med utvalda partner.", en = "Running our cooperation with selected partners." }\n',
        "",
    )
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(text)
    assert any(i.key.endswith("legitimate_interest") for i in exc.value.issues)


def test_recipient_outside_eea_needs_a_safeguard():
    text = (
        demo_text()
        .replace('country = "US"\n', 'country = "IN"\n')
        .replace(
            'safeguard = { fi = "EU:n komission vakiosopimuslausekkeet',
            'x_safeguard = { fi = "EU:n komission vakiosopimuslausekkeet',
        )
    )
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(text)
    assert any("IN" in i.message and i.key.endswith("safeguard") for i in exc.value.issues)


def test_syntax_error_names_the_line():
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue('version = "1"\n[[categories]\n')
    assert exc.value.issues[0].line == 2


def test_loading_twice_makes_no_new_version_and_a_change_does(db):
    from rekisteri.audit.services import Actor
    from rekisteri.catalogue.models import CatalogueVersion
    from rekisteri.catalogue.services import catalogue_load

    catalogue_load(text=demo_text(), source_name="a", actor=Actor("t"))
    _, created = catalogue_load(text=demo_text(), source_name="a", actor=Actor("t"))
    assert not created
    _, created = catalogue_load(
        text=demo_text().replace('period = "3 months"', 'period = "4 months"'),
        source_name="b",
        actor=Actor("t"),
    )
    assert created and CatalogueVersion.objects.count() == 2


def test_direct_marketing_without_a_purpose_to_record_opt_outs_is_refused(
    tmp_path: Path, db
) -> None:
    """A one-click opt-out must never be refused: a catalogue that markets directly must
    cover handling data subject requests, under which the opt-out is recorded."""
    text = demo_text().replace('"handle_rights_requests", ', "")
    assert '"handle_rights_requests"' not in text
    path = tmp_path / "cat.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("catalogue", "check", str(path))
    assert "opt-out could not be recorded" in str(exc.value)
