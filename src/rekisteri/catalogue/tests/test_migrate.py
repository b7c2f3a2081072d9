"""`rekisteri catalogue migrate FILE`: a catalogue of the first format (role flags, no
capabilities) converted to the current one. The fixture is the demo catalogue as it was in
that format."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rekisteri.access.capabilities import Cap
from rekisteri.catalogue.migrate import DPO_WORK, migrate_text
from rekisteri.catalogue.schema import CatalogueError, parse_catalogue
from rekisteri.catalogue.selectors import snapshot_of
from rekisteri.testing.fixtures import DEMO_CATALOGUE

FIRST_FORMAT = Path(__file__).with_name("first_format_demo.toml")


def role_capabilities(text: str) -> dict[str, set[str]]:
    snap = snapshot_of(parse_catalogue(text))
    return {
        code: snap.capabilities_for_purposes(role.purposes) for code, role in snap.roles.items()
    }


def test_the_first_format_is_refused_pointing_to_migrate():
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(FIRST_FORMAT.read_text(encoding="utf-8"))
    assert any(
        i.key == "roles[5].dpo" and "catalogue migrate" in i.message for i in exc.value.issues
    )


def test_the_converted_demo_gives_each_role_the_work_its_flags_and_purposes_allowed():
    text, notes = migrate_text(FIRST_FORMAT.read_text(encoding="utf-8"))
    caps = role_capabilities(text)
    # dpo = true: the DPO's work, on the purpose only the DPO holds
    assert set(DPO_WORK) <= caps["dpo"]
    assert "role 'dpo' (dpo): the DPO's capabilities go to rights_handling" in notes
    assert Cap.HANDLE_RIGHTS_REQUESTS not in caps["compliance"] | caps["sales"]
    # reveal_identity_codes = true: on the role's purpose with the sensitive category
    assert Cap.REVEAL_IDENTITY_CODES in caps["compliance"]
    assert "role 'compliance' (reveal_identity_codes): on purpose 'kyc_aml'" in notes
    assert Cap.REVEAL_IDENTITY_CODES not in caps["sales"]
    # admin = true: a new system_administration purpose
    assert {Cap.MANAGE_STAFF, Cap.VERIFY_AUDIT_TRAIL, Cap.VIEW_RETENTION_STATUS} <= caps["admin"]
    assert Cap.MANAGE_STAFF not in caps["dpo"]
    # direct marketing and profiling
    assert {Cap.SEND_DIRECT_MARKETING, Cap.MANAGE_CONSENTS, Cap.PROFILE_SEGMENTS} <= caps[
        "marketing"
    ]
    assert Cap.SEND_DIRECT_MARKETING not in caps["sales"]
    # every purpose with categories: the register work
    for role in ("sales", "customer_service", "finance", "marketing", "compliance"):
        assert {Cap.KEEP_REGISTER, Cap.RECORD_INTERACTIONS, Cap.REVIEW_RETENTION} <= caps[role]
    # what no flag implied is named, not guessed
    assert any("screen_customers" in n and "import_data" in n for n in notes)


def test_the_conversion_matches_the_demo_converted_by_hand_but_for_later_capabilities():
    converted = role_capabilities(migrate_text(FIRST_FORMAT.read_text(encoding="utf-8"))[0])
    by_hand = role_capabilities(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    later = {
        Cap.IMPORT_DATA,
        Cap.LOG_DISCLOSURES,
        Cap.SCREEN_CUSTOMERS,
        Cap.MANAGE_MAIL_OUTBOX,
        Cap.UPDATE_FROM_TRADE_REGISTER,
        Cap.INVESTIGATE_TRANSACTIONS,
    }
    for role in ("sales", "customer_service", "finance", "marketing", "compliance", "dpo"):
        assert converted[role] - later == by_hand[role] - later, role


def test_the_conversion_keeps_comments_and_layout_and_drops_the_flags(tmp_path, capsys):
    out = tmp_path / "new.toml"
    call_command("catalogue", "migrate", str(FIRST_FORMAT), "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert "# --- Roles: which purposes each staff role serves" in text
    assert "dpo = true" not in text and "admin = true" not in text
    assert "reveal_identity_codes = true" not in text
    assert 'purposes = ["security_development", "system_administration"]' in text
    # every other line is still there, in its order
    dropped = {"dpo = true", "admin = true", "reveal_identity_codes = true"}
    old = [
        line
        for line in FIRST_FORMAT.read_text(encoding="utf-8").splitlines()
        if line not in dropped and not line.startswith("purposes = [")
    ]
    remaining = iter(text.splitlines())
    assert all(line in remaining for line in old)
    parse_catalogue(text)


def test_a_current_catalogue_needs_no_conversion():
    text = DEMO_CATALOGUE.read_text(encoding="utf-8")
    assert migrate_text(text) == (text, ["the catalogue is already in the current format"])


def test_a_dpo_without_a_purpose_of_its_own_gets_a_new_one():
    text = FIRST_FORMAT.read_text(encoding="utf-8").replace(
        'purposes = ["rights_handling", "customer_management"',
        'purposes = ["customer_management"',
    )
    assert 'purposes = ["customer_management", "procurement"' in text
    converted, notes = migrate_text(text)
    snap = snapshot_of(parse_catalogue(converted))
    assert "data_protection" in snap.roles["dpo"].purposes
    assert set(DPO_WORK) <= snap.purposes["data_protection"].capabilities
    assert snap.purposes["data_protection"].categories == frozenset()
    assert "role 'dpo' (dpo): new purpose 'data_protection'" in notes


def test_migrate_refuses_a_file_it_cannot_read(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('version = "1"\n[[roles]\n', encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("catalogue", "migrate", str(path))
    assert "cannot convert" in str(exc.value)
