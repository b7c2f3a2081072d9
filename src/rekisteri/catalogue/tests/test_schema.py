"""The catalogue's typed contract: each construct of docs/catalogue.md, and its errors named by
key and line."""

import datetime as dt

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from rekisteri.catalogue.schema import CatalogueError, parse_catalogue, parse_period
from rekisteri.catalogue.selectors import snapshot_of

T3 = '{ fi = "fi", sv = "sv", en = "en" }'

MINIMAL = f"""version = "1"

[register]
name = {T3}

[[controllers]]
code = "acme"
name = "Acme Oy"
business_id = "0834973-3"
email = "info@acme.example"

[[categories]]
code = "basic"
name = {T3}

[[purposes]]
code = "customers"
name = {T3}
legal_basis = "contract"
categories = ["basic"]
capabilities = ["keep_register"]

[[retention]]
code = "basic-2-years"
category = "basic"
anchor = "relationship_ended"
period = "2 years"

[[roles]]
code = "account_manager"
name = {T3}
purposes = ["customers"]
"""


def issue_of(text: str, key_end: str):
    """The one issue whose key ends so, with the text of its line."""
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(text)
    found = [i for i in exc.value.issues if i.key.endswith(key_end)]
    assert found, exc.value.issues
    issue = found[0]
    return issue, text.splitlines()[issue.line - 1] if issue.line else ""


# --- Legal bases ----------------------------------------------------------------------------


def test_the_first_format_of_one_legal_basis_loads_as_one_entry_without_condition():
    snap = snapshot_of(parse_catalogue(MINIMAL))
    purpose = snap.purposes["customers"]
    assert purpose.legal_basis == "contract"
    assert [(e.basis, e.applies_to) for e in purpose.legal_bases] == [("contract", {})]
    assert purpose.objection == "none"


SEVERAL = f"""legal_bases = [
  {{ basis = "contract", applies_to = {T3} }},
  {{ basis = "legitimate_interest", applies_to = {T3}, interest = {T3}, balancing_test = "LIA-7" }},
]"""


def test_a_purpose_with_several_legal_bases_keeps_each_with_its_condition_and_interest():
    text = MINIMAL.replace('legal_basis = "contract"', SEVERAL)
    purpose = snapshot_of(parse_catalogue(text)).purposes["customers"]
    assert purpose.legal_basis == "contract"  # the first, for callers of one basis
    assert [e.basis for e in purpose.legal_bases] == ["contract", "legitimate_interest"]
    li = purpose.legal_bases[1]
    assert li.applies_to["sv"] == "sv" and li.interest["en"] == "en"
    assert li.balancing_test == "LIA-7"
    assert purpose.legitimate_interest == li.interest
    # legitimate interest among the bases: an objection is weighed case by case
    assert purpose.objection == "balancing"


def test_a_legitimate_interest_basis_without_its_interest_is_refused_on_its_own_line():
    text = MINIMAL.replace('legal_basis = "contract"', SEVERAL.replace(f", interest = {T3}", ""))
    issue, line = issue_of(text, "legal_bases[1]")
    assert "states the interest in fi, sv and en" in issue.message
    assert '"legitimate_interest"' in line


def test_several_legal_bases_each_say_what_they_apply_to():
    text = MINIMAL.replace(
        'legal_basis = "contract"', SEVERAL.replace(f'"contract", applies_to = {T3}', '"contract"')
    )
    issue, line = issue_of(text, "purposes[0].legal_bases")
    assert "applies_to" in issue.message
    assert line.startswith("legal_bases")


def test_a_condition_in_one_language_only_is_refused_naming_the_missing_ones():
    text = MINIMAL.replace(
        'legal_basis = "contract"',
        SEVERAL.replace(
            f'applies_to = {T3} }},\n  {{ basis = "legit',
            'applies_to = { fi = "x" } },\n  { basis = "legit',
        ),
    )
    issue, line = issue_of(text, "legal_bases[0].applies_to")
    assert "'sv', 'en'" in issue.message and '{ fi = "x" }' in line


def test_both_formats_of_legal_basis_on_one_purpose_is_refused():
    text = MINIMAL.replace('legal_basis = "contract"', 'legal_basis = "contract"\n' + SEVERAL)
    issue, _ = issue_of(text, "purposes[0]")
    assert "not both" in issue.message


# --- Purposes without register data ---------------------------------------------------------


def test_a_purpose_on_no_register_data_lists_capabilities_and_is_not_for_the_notice():
    text = (
        MINIMAL
        + f"""
[[purposes]]
code = "user_admin"
name = {T3}
legal_basis = "legitimate_interest"
legitimate_interest = {T3}
categories = []
capabilities = ["manage_staff"]
"""
    )
    purpose = snapshot_of(parse_catalogue(text)).purposes["user_admin"]
    assert purpose.categories == frozenset() and not purpose.in_notice
    issue, _ = issue_of(text.replace('capabilities = ["manage_staff"]\n', ""), "capabilities")
    assert "at least one data category" in issue.message


# --- Retention ------------------------------------------------------------------------------


def rule(body: str) -> str:
    return MINIMAL.replace('anchor = "relationship_ended"\nperiod = "2 years"', body)


def test_anchors_combine_with_later_of_and_earlier_of():
    text = rule(
        'anchor = { later_of = ["relationship_ended", "billing_year_end"] }\nperiod = "10 years"'
    )
    (r,) = snapshot_of(parse_catalogue(text)).retention["basic"]
    assert (r.combine, r.anchors, r.period_years) == (
        "later_of",
        ("relationship_ended", "billing_year_end"),
        10,
    )
    assert r.anchor == "later_of" and r.is_combined
    text = rule('anchor = { earlier_of = ["created", "last_activity"] }\nperiod = "1 year"')
    (r,) = snapshot_of(parse_catalogue(text)).retention["basic"]
    assert r.combine == "earlier_of"


def test_a_misspelt_anchor_is_refused_with_the_right_name_suggested():
    issue, line = issue_of(
        rule('anchor = { later_of = ["relationship_end", "billing_year_end"] }\nperiod = "1 year"'),
        "anchor.anchors[0]",
    )
    assert "did you mean 'relationship_ended'" in issue.message
    assert line.startswith("anchor =")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('anchor = { later_of = ["created"] }\nperiod = "1 year"', "two or more"),
        ('anchor = { later_of = ["created", "needed"] }\nperiod = "1 year"', "cannot be combined"),
        ('anchor = { sooner_of = ["created", "needed"] }\nperiod = "1 year"', "later_of"),
        ('anchor = "created"', "a period such as"),
    ],
)
def test_impossible_anchors_are_refused(body, message):
    issue, _ = issue_of(rule(body), "")
    assert message in issue.message


def test_while_conditions_are_kept_with_their_wording_and_unknown_ones_refused():
    text = rule(
        'anchor = "contact_ended"\nperiod = "0 days"\n'
        'while_any = ["is_contact_person", "service_history_kept"]\n'
        f"description = {T3}"
    )
    (r,) = snapshot_of(parse_catalogue(text)).retention["basic"]
    assert r.while_any == ("is_contact_person", "service_history_kept")
    assert r.conditions[1].text["en"].startswith("as long as we keep the history")
    assert r.description == {"fi": "fi", "sv": "sv", "en": "en"}
    issue, line = issue_of(text.replace('"service_history_kept"', '"has_history"'), "while_any[1]")
    assert "is not a condition" in issue.message and "has_history" in line


@given(
    years=st.integers(0, 99),
    months=st.integers(0, 99),
    days=st.integers(0, 999),
)
def test_every_period_written_in_words_reads_back(years, months, days):
    parts = [f"{n} {unit}" for n, unit in ((years, "years"), (months, "months"), (days, "days"))]
    period = parse_period(" + ".join(parts))
    assert (period.years, period.months, period.days) == (years, months, days)


# --- Controllers ----------------------------------------------------------------------------


def test_an_email_without_a_domain_is_refused_naming_key_and_line():
    issue, line = issue_of(MINIMAL.replace("info@acme.example", "info@ideafix"), "email")
    assert issue.key == "controllers[0].email" and "'info@ideafix'" in issue.message
    assert line == 'email = "info@ideafix"'
    issue, _ = issue_of(
        MINIMAL.replace(
            'email = "info@acme.example"', 'email = "info@acme.example"\ndpo_email = "dpo@"'
        ),
        "dpo_email",
    )


def test_a_controller_without_business_id_or_dpo_loads_and_check_warns(tmp_path, db, capsys):
    text = MINIMAL.replace('business_id = "0834973-3"\n', "")
    controller = parse_catalogue(text).controllers[0]
    assert controller.business_id == "" and not controller.has_dpo
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    call_command("catalogue", "check", str(path))
    out = capsys.readouterr().out
    assert "is valid" in out
    assert "warning: line 6, controllers[0]: 'acme' states no business ID" in out


def test_a_wrong_business_id_is_still_an_error():
    issue, _ = issue_of(MINIMAL.replace("0834973-3", "0000000-1"), "business_id")
    assert "check digit" in issue.message


# --- Recipients -----------------------------------------------------------------------------

RECIPIENT = f"""
[[recipients]]
code = "cloud"
kind = "processor"
functions = ["it", "hosting"]
country = "unknown"
name = {T3}
safeguard = {T3}
"""


def test_a_recipient_has_several_functions_and_may_be_in_an_unknown_country():
    r = snapshot_of(parse_catalogue(MINIMAL + RECIPIENT)).recipients["cloud"]
    assert r.functions == ("it", "hosting") and r.function == "it"
    assert r.country == "unknown" and r.outside_eea


def test_an_unknown_country_needs_a_safeguard_like_a_third_country():
    issue, _ = issue_of(MINIMAL + RECIPIENT.replace(f"safeguard = {T3}\n", ""), "safeguard")
    assert "country is unknown" in issue.message


def test_the_first_format_of_one_function_still_loads():
    text = MINIMAL + RECIPIENT.replace('functions = ["it", "hosting"]', 'function = "it"')
    assert snapshot_of(parse_catalogue(text)).recipients["cloud"].functions == ("it",)
    issue, line = issue_of(text.replace('"it"', '"ict"'), "function")
    assert issue.key == "recipients[0].function" and line == 'function = "ict"'


# --- [notice] and [register] ----------------------------------------------------------------

NOTICE = f"""
[notice]
effective_date = "2019-11-18"
transfers = {T3}
sections = [
  {{ key = "cookies", title = {T3}, body = {T3} }},
  {{ key = "requests", title = {T3}, body = {T3} }},
]
"""


def test_the_notice_table_gives_its_date_sections_and_transfer_statement():
    notice = snapshot_of(parse_catalogue(MINIMAL + NOTICE)).notice
    assert notice.effective_date == dt.date(2019, 11, 18)
    assert [s.key for s in notice.sections] == ["cookies", "requests"]
    assert notice.sections[1].body["sv"] == "sv" and notice.transfers["en"] == "en"


def test_a_notice_section_without_a_language_is_refused_on_its_line():
    text = MINIMAL + NOTICE.replace(f'"requests", title = {T3}', '"requests", title = { fi = "x" }')
    issue, line = issue_of(text, "sections[1].title")
    assert issue.key == "notice.sections[1].title" and '"requests"' in line
    issue, line = issue_of(MINIMAL + NOTICE.replace("2019-11-18", "18.11.2019"), "effective_date")
    assert "YYYY-MM-DD" in issue.message and line.startswith("effective_date")
    issue, _ = issue_of(MINIMAL + NOTICE.replace('"requests"', '"cookies"'), "notice.sections")
    assert "'cookies' is used twice" in issue.message


def test_register_policies_default_off_and_identity_codes_follow_each_controller():
    snap = snapshot_of(parse_catalogue(MINIMAL))
    assert not snap.register.b2b_only and not snap.register.opt_out_minimisation
    assert snap.identity_code_country("acme") == "FI"
    text = MINIMAL.replace(
        f"name = {T3}\n\n[[controllers]]",
        f"name = {T3}\nb2b_only = true\nopt_out_minimisation = true\n"
        'identity_code_country = "SE"\n\n[[controllers]]',
        1,
    )
    snap = snapshot_of(parse_catalogue(text))
    assert snap.register.b2b_only and snap.register.opt_out_minimisation
    assert snap.identity_code_country("acme") == "SE"
    issue, line = issue_of(text.replace('"SE"', '"NO"'), "identity_code_country")
    assert issue.key == "register.identity_code_country" and '"NO"' in line
    issue, _ = issue_of(text.replace("b2b_only = true", 'b2b_only = "yes"'), "b2b_only")
    assert issue.message == "must be true or false"


# --- Keys, categories, capabilities ----------------------------------------------------------


def test_an_unknown_key_is_refused_so_that_a_typo_does_not_silently_drop_a_setting():
    issue, line = issue_of(MINIMAL.replace("period =", "periood ="), "periood")
    assert issue.key == "retention[0].periood" and "unknown key" in issue.message
    assert line.startswith("periood")


def test_snapshot_categories_are_the_declared_ones_only():
    snap = snapshot_of(parse_catalogue(MINIMAL))
    assert set(snap.categories) == {"basic"}


def test_check_names_the_capabilities_no_purpose_covers(tmp_path, db, capsys):
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    call_command("catalogue", "check", str(path))
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "no purpose covers" in x)
    assert "those features are off" in line
    assert "handle_rights_requests" in line and "keep_register" not in line


def test_the_stored_form_reads_back_as_the_same_catalogue():
    from rekisteri.catalogue.schema import catalogue_from_stored

    text = MINIMAL.replace('legal_basis = "contract"', SEVERAL) + RECIPIENT + NOTICE
    catalogue = parse_catalogue(text)
    assert catalogue_from_stored(catalogue.model_dump(mode="json")) == catalogue


def test_a_misspelt_single_anchor_is_named_as_written():
    issue, line = issue_of(rule('anchor = "creatd"\nperiod = "1 year"'), "anchor")
    assert issue.key == "retention[0].anchor" and "did you mean 'created'" in issue.message
    assert line == 'anchor = "creatd"'
