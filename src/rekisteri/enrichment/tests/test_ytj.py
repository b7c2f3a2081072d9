"""`rekisteri enrich ytj`: PRH's open data (v3) from a recorded response or fetched from a
local server, into the organisation, with public-register provenance per field; the
company's own later values kept unless --overwrite; ended companies flagged; bad input
refused by where it is, with nothing written."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditEvent
from rekisteri.catalogue.models import SourceKind
from rekisteri.enrichment.models import RegisterStatus, ReviewReason, TradeRegisterRecord
from rekisteri.enrichment.sources import parse_prh
from rekisteri.enrichment.tests.conftest import RECORDED
from rekisteri.register.models import Organization, OrganizationProvenance, record_key
from rekisteri.register.services import organization_update

pytestmark = pytest.mark.django_db

ACTIVE = str(RECORDED / "ytj_active.json")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("enrich", *args, stdout=out)
    return out.getvalue()


def backdate(org: Organization, day: str) -> None:
    """The organisation's values were given to us on `day` (long before the register's)."""
    OrganizationProvenance.objects.filter(organization=org).update(
        collected_at=datetime.fromisoformat(day).replace(tzinfo=UTC)
    )


def latest_source(org: Organization, field: str) -> str:
    for row in OrganizationProvenance.objects.filter(organization=org):
        if field in row.fields:
            return row.source_kind
    return ""


def test_a_recorded_response_fills_the_organisation_with_register_provenance(make_org) -> None:
    org = make_org(name="Pohjoistuuli Oy", business_id="3012345-8")
    backdate(org, "2020-01-01")

    out = run("ytj", ACTIVE)

    org.refresh_from_db()
    assert org.name == "Pohjoistuuli Ohjelmistot Oy"  # the current name, not the one that ended
    assert (org.street, org.postal_code, org.city) == ("Mannerheimintie 12 B", "00100", "Helsinki")
    assert org.industry == "Ohjelmistojen suunnittelu ja valmistus"
    assert org.website == "https://www.pohjoistuuli.example"
    for field in ("name", "street", "postal_code", "city", "industry", "website"):
        assert latest_source(org, field) == SourceKind.PUBLIC_REGISTER, field
    record = TradeRegisterRecord.objects.get(organization=org)
    assert record.company_form == "Osakeyhtiö"
    assert str(record.registration_date) == "2019-04-02"
    assert record.status == RegisterStatus.REGISTERED and not record.review_open
    events = AuditEvent.objects.filter(record=record_key(org)).order_by("seq")
    assert [e.reason for e in events][-2:] == [
        "from the trade register (ytj)",
        "checked against the trade register (ytj)",
    ]
    assert "3012345-8 Pohjoistuuli Ohjelmistot Oy" in out
    assert (
        "changed: name: the register's value (since 2024-03-01) is newer than ours (from 2020-01-01)"
        in out
    )
    assert "1 organisations checked, 1 changed, 0 flagged for review" in out


def test_a_value_the_company_gave_later_is_kept_unless_overwrite_is_asked(
    make_org, actor: Any
) -> None:
    org = make_org(name="Pohjoistuuli Ohjelmistot Oy", business_id="3012345-8", postal_code="00200")
    backdate(org, "2020-01-01")
    # the company tells us its new address after the register registered its own (2025-10-01)
    organization_update(
        actor=actor, organization=org, data={"street": "Uusikatu 5"}, scope=system_scope("test")
    )

    out = run("ytj", ACTIVE)

    org.refresh_from_db()
    assert org.street == "Uusikatu 5"
    assert org.postal_code == "00100"  # ours was older than the register's: replaced
    assert "kept: street: our value from" in out
    assert "is newer than the register's (since 2025-10-01)" in out
    assert "postal_code: the register's value (since 2025-10-01) is newer than ours" in out

    out = run("ytj", ACTIVE, "--overwrite")
    org.refresh_from_db()
    assert org.street == "Mannerheimintie 12 B"
    assert "street: overwrite was asked" in out
    assert latest_source(org, "street") == SourceKind.PUBLIC_REGISTER


def test_an_ended_company_and_one_in_liquidation_are_flagged_for_review(make_org) -> None:
    ended = make_org(name="Vanha Satama Ky", business_id="3023456-1")
    winding = make_org(name="Kivijalka Rakennus Oy", business_id="3034567-5")

    out = run("ytj", str(RECORDED / "ytj_ended.json"))
    out += run("ytj", str(RECORDED / "ytj_liquidation.json"))

    record = TradeRegisterRecord.objects.get(organization=ended)
    assert record.review_open and record.review_reason == ReviewReason.ENDED
    assert str(record.end_date) == "2025-06-30"
    assert "flagged for review: the company has ended" in out
    record = TradeRegisterRecord.objects.get(organization=winding)
    assert record.review_open and record.review_reason == ReviewReason.WINDING_UP
    assert record.procedure_labels == ["liquidation"]
    assert "flagged for review: the company is in liquidation, bankruptcy or reorganisation" in out

    again = run("ytj", str(RECORDED / "ytj_ended.json"))
    assert "still flagged for review" in again


def test_a_status_other_than_registered_without_an_end_date_is_struck_off() -> None:
    doc = json.loads((RECORDED / "ytj_active.json").read_text())
    doc["companies"][0]["tradeRegisterStatus"] = "4"
    (company,) = parse_prh(json.dumps(doc))
    assert company.status == RegisterStatus.STRUCK_OFF
    assert company.review_reason == ReviewReason.STRUCK_OFF


def test_malformed_json_is_named_by_line_and_column_and_nothing_is_written(
    make_org, tmp_path: Path
) -> None:
    org = make_org(name="Pohjoistuuli Oy", business_id="3012345-8")
    bad = tmp_path / "prh.json"
    bad.write_text('{\n  "totalResults": 1,\n  "companies": [\n    {"businessId": },\n  ]\n}\n')
    with pytest.raises(CommandError) as exc:
        run("ytj", str(bad))
    assert f"{bad}: not valid JSON at line 4, column 20" in str(exc.value)
    assert "nothing was written" in str(exc.value)
    org.refresh_from_db()
    assert org.name == "Pohjoistuuli Oy" and not TradeRegisterRecord.objects.exists()


def test_a_business_id_failing_the_check_is_refused_by_name_and_nothing_is_written(
    make_org, tmp_path: Path
) -> None:
    org = make_org(name="Pohjoistuuli Oy", business_id="3012345-8")
    doc = json.loads((RECORDED / "ytj_active.json").read_text())
    second = json.loads(json.dumps(doc["companies"][0]))
    second["businessId"]["value"] = "3012345-7"
    doc["companies"].append(second)
    path = tmp_path / "two.json"
    path.write_text(json.dumps(doc))

    with pytest.raises(CommandError) as exc:
        run("ytj", str(path))
    assert "companies[1].businessId.value: 3012345-7 is not a valid business ID (Y-tunnus)" in str(
        exc.value
    )
    org.refresh_from_db()
    assert org.name == "Pohjoistuuli Oy"  # the first, valid company was not written either

    with pytest.raises(CommandError, match="3012345-7 is not a valid business ID"):
        run("ytj", "--fetch", "3012345-7")


def test_fetch_asks_the_configured_url_and_writes_what_it_answers(make_org, prh) -> None:
    org = make_org(name="Pohjoistuuli Oy", business_id="3012345-8")
    backdate(org, "2020-01-01")

    out = run("ytj", "--fetch", "3012345-8")

    assert prh.requests[0] == "/opendata-ytj-api/v3/companies?businessId=3012345-8"
    org.refresh_from_db()
    assert org.name == "Pohjoistuuli Ohjelmistot Oy"
    assert "1 organisations checked" in out


def test_an_http_error_or_a_timeout_names_the_business_id_and_writes_nothing(make_org, prh) -> None:
    org = make_org(name="Pohjoistuuli Oy", business_id="3012345-8")
    backdate(org, "2020-01-01")

    with pytest.raises(CommandError) as exc:
        run("ytj", "--fetch", "3012345-8", "3045678-9")
    assert "3045678-9: the trade register answered HTTP 503" in str(exc.value)
    assert "nothing was written" in str(exc.value)
    org.refresh_from_db()
    assert org.name == "Pohjoistuuli Oy"  # fetched, but not written: the run failed

    with pytest.raises(
        CommandError, match="2331972-7: the trade register did not answer within 1 s"
    ):
        run("ytj", "--fetch", "2331972-7")


def test_a_business_id_not_in_our_register_is_reported_and_a_dry_run_writes_nothing(
    make_org, prh
) -> None:
    out = run("ytj", "--fetch", "3023456-1")
    assert "3023456-1: no organisation with this business ID in the register" in out

    org = make_org(name="Vanha Satama", business_id="3023456-1")
    out = run("ytj", "--fetch", "3023456-1", "--dry-run")
    assert "dry run, nothing written" in out and "flagged for review" in out
    org.refresh_from_db()
    assert org.name == "Vanha Satama" and not TradeRegisterRecord.objects.exists()


def test_an_imported_organisation_records_where_its_fields_came_from(
    fi_controller, tmp_path
) -> None:
    csv = tmp_path / "orgs.csv"
    csv.write_text("name,business_id,city\nPohjoistuuli Oy,3012345-8,Espoo\n", encoding="utf-8")
    call_command(
        "import",
        "organizations",
        str(csv),
        "--controller",
        fi_controller.code,
        stdout=io.StringIO(),
    )
    org = Organization.objects.get(business_id="3012345-8")
    row = OrganizationProvenance.objects.get(organization=org)
    assert row.source_kind == SourceKind.THIRD_PARTY and "city" in row.fields

    out = run("ytj", ACTIVE)  # the import is today: newer than the register's address
    org.refresh_from_db()
    assert org.city == "Espoo" and "kept: " in out and "city: our value from" in out
