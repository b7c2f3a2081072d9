"""The five seed notices as catalogues: each loads and passes the check, its custom-named
roles reach exactly what their purposes cover, and each states what its seed states."""

import datetime as dt
import tomllib

import pytest
from django.core.management import call_command

from rekisteri.access.capabilities import CAPABILITIES
from rekisteri.audit.services import Actor
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.catalogue.services import catalogue_load
from rekisteri.catalogue.tests.seeds import SEEDS


def test_the_five_seeds_are_there():
    assert sorted(SEEDS) == ["accountor_fi", "accountor_se", "ideafix", "jesoy", "vastuu"]


def load(name: str):
    catalogue_load(
        text=SEEDS[name].read_text(encoding="utf-8"), source_name=name, actor=Actor("test")
    )
    return catalogue_snapshot()


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_each_seed_passes_the_check_and_loads_with_its_notice(name, db, capsys):
    from rekisteri.notice.selectors import notice_html

    call_command("catalogue", "check", str(SEEDS[name]))
    assert "is valid" in capsys.readouterr().out
    snap = load(name)
    assert snap.version_id
    for lang in ("fi", "sv", "en"):
        assert notice_html(lang=lang).startswith('<article class="privacy-notice">')


def capabilities_by_role_from_the_file(name: str) -> dict[str, set[str]]:
    """Read straight from the TOML, not through the code under test."""
    raw = tomllib.loads(SEEDS[name].read_text(encoding="utf-8"))
    purposes = {p["code"]: set(p.get("capabilities", [])) for p in raw["purposes"]}
    return {r["code"]: set().union(*(purposes[p] for p in r["purposes"])) for r in raw["roles"]}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_custom_named_role_can_exactly_what_its_purposes_cover(name, db):
    from rekisteri.access.selectors import scope_for
    from rekisteri.register.models import Controller
    from rekisteri.testing.fixtures import make_staff

    load(name)
    controller = Controller.objects.get(code=next(iter(catalogue_snapshot().controllers)))
    expected = capabilities_by_role_from_the_file(name)
    for role, capabilities in expected.items():
        scope = scope_for(make_staff(f"{name}-{role}", [role], [controller]))
        assert {c for c in CAPABILITIES if scope.can(c)} == capabilities, role


def test_jesoy_keeps_data_for_the_relationship_and_ten_years_after_the_billing_year(db):
    snap = load("jesoy")
    assert snap.register.b2b_only
    assert snap.notice.effective_date == dt.date(2019, 1, 22)
    assert snap.controllers["jesoy"].business_id == ""
    for rules in snap.retention.values():
        (rule,) = rules
        assert rule.combine == "later_of"
        assert rule.anchors == ("relationship_ended", "billing_year_end")
        assert rule.period_years == 10
        assert "kymmenen seuraavaa kalenterivuotta" in rule.description["fi"]
    assert snap.recipients["subcontractors"].functions == (
        "finance",
        "marketing",
        "it",
        "logistics",
    )
    assert [s.key for s in snap.notice.sections] == [
        "data_quality",
        "objection",
        "requests",
        "cookies",
        "changes",
    ]


def test_vastuu_keeps_a_contact_while_a_contact_or_while_service_history_is_kept(db):
    snap = load("vastuu")
    for category in ("basic", "contact", "organisation_link"):
        (rule,) = snap.retention[category]
        assert rule.while_any == ("is_contact_person", "service_history_kept")
    (chats,) = snap.retention["chat_transcripts"]
    (calls,) = snap.retention["call_recordings"]
    assert (chats.anchor, chats.period_months) == ("created", 3)
    assert (calls.anchor, calls.period_months) == ("created", 7)
    cloud = snap.recipients["subcontractors"]
    assert cloud.country == "unknown" and "voimassaolevan lainsäädännön" in cloud.safeguard["fi"]
    assert snap.controllers["vastuu"].dpo_email == "tietosuoja@vastuugroup.fi"
    assert "pääsääntöisesti" in snap.notice.transfers["fi"]
    assert [e.basis for e in snap.purposes["customer_management"].legal_bases] == [
        "contract",
        "legitimate_interest",
    ]
    assert "access_limits" in [s.key for s in snap.notice.sections]


def test_ideafix_is_four_companies_targeting_on_consent_or_legitimate_interest(db):
    snap = load("ideafix")
    assert sorted(c.business_id for c in snap.controllers.values()) == [
        "0834973-3",
        "1894397-1",
        "3013740-3",
        "3016098-8",
    ]
    targeting = snap.purposes["targeting"]
    assert [e.basis for e in targeting.legal_bases] == ["consent", "legitimate_interest"]
    assert targeting.profiling and targeting.direct_marketing and targeting.objection == "absolute"
    assert snap.register.b2b_only
    assert snap.notice.effective_date is None  # the notice carries no date
    assert "ilman oikeudellisia perusteita" in snap.notice.transfers["fi"]
    assert all(c.email == "info@ideafix.fi" for c in snap.controllers.values())


def test_accountor_bases_purposes_on_contract_or_legitimate_interest_and_minimises_opt_outs(db):
    snap = load("accountor_fi")
    assert snap.register.opt_out_minimisation
    for code in ("sales_and_customers", "procurement", "service_delivery"):
        assert [e.basis for e in snap.purposes[code].legal_bases] == [
            "contract",
            "legitimate_interest",
        ], code
    assert snap.notice.effective_date == dt.date(2019, 1, 24)
    assert all(r.anchor == "needed" for rules in snap.retention.values() for r in rules)


def test_accountor_sweden_screens_customers_only_through_its_kyc_officer(db):
    snap = load("accountor_se")
    assert snap.identity_code_country("accountor-outsourcing-se") == "SE"
    assert snap.notice.effective_date == dt.date(2024, 5, 20)
    kyc = capabilities_by_role_from_the_file("accountor_se")
    holders = sorted(role for role, caps in kyc.items() if "screen_customers" in caps)
    assert holders == ["kyc_officer", "privacy_team"]
    assert "identity_code" in snap.purposes["know_your_customer"].categories
