"""`rekisteri enrich bolagsverket FILE`: Bolagsverket's bulk file of organisations (as is or
in its ZIP) into Swedish organisations; struck-off and winding-up companies flagged; sole
traders' rows (identified by a personal identity number) skipped unread."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rekisteri.catalogue.models import SourceKind
from rekisteri.enrichment.models import RegisterStatus, ReviewReason, TradeRegisterRecord
from rekisteri.enrichment.sources import parse_bolagsverket
from rekisteri.enrichment.tests.conftest import RECORDED
from rekisteri.register.models import OrganizationProvenance

pytestmark = pytest.mark.django_db

BULK = RECORDED / "bolagsverket_bulkfil.txt"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("enrich", *args, stdout=out)
    return out.getvalue()


def test_the_bulk_file_in_its_zip_updates_and_flags_swedish_organisations(
    make_org, se_controller, tmp_path: Path
) -> None:
    active = make_org(
        controller=se_controller, country="SE", name="Fjällräv", business_id="5560000001"
    )
    struck = make_org(
        controller=se_controller, country="SE", name="Gamla Bruket", business_id="556111-1112"
    )
    winding = make_org(
        controller=se_controller, country="SE", name="Havsörn", business_id="5567777775"
    )
    OrganizationProvenance.objects.update(collected_at="2010-01-01T00:00:00Z")
    zipped = tmp_path / "bolagsverket_bulkfil.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.write(BULK, "bolagsverket_bulkfil.txt")

    out = run("bolagsverket", str(zipped))

    active.refresh_from_db()
    assert active.name == "Fjällräv Konsult AB"  # the company name, not the foreign-language one
    assert (active.street, active.postal_code, active.city) == (
        "Drottninggatan 5",
        "11151",
        "Stockholm",
    )
    row = OrganizationProvenance.objects.filter(organization=active).first()
    assert row.source_kind == SourceKind.PUBLIC_REGISTER
    record = TradeRegisterRecord.objects.get(organization=active)
    assert record.company_form == "Aktiebolag" and record.status == RegisterStatus.REGISTERED
    record = TradeRegisterRecord.objects.get(organization=struck)
    assert record.review_open and record.review_reason == ReviewReason.STRUCK_OFF
    assert str(record.end_date) == "2025-02-03"
    record = TradeRegisterRecord.objects.get(organization=winding)
    assert record.review_reason == ReviewReason.WINDING_UP
    assert "3 organisations checked, 3 changed, 2 flagged for review" in out


def test_sole_traders_rows_are_skipped_unread() -> None:
    ids = [c.business_id for c in parse_bolagsverket(BULK)]
    assert ids == ["556000-0001", "556111-1112", "556777-7775"]


def test_a_bad_row_is_named_by_line_and_nothing_is_written(
    make_org, se_controller, tmp_path: Path
) -> None:
    org = make_org(
        controller=se_controller, country="SE", name="Fjällräv", business_id="5560000001"
    )
    lines = BULK.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("5561111112", "5561111113")
    bad = tmp_path / "bulkfil.txt"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as exc:
        run("bolagsverket", str(bad))
    assert (
        "bulkfil.txt, line 3, organisationsidentitet: 5561111113 is not a valid Swedish organisationsnummer"
        in str(exc.value)
    )
    org.refresh_from_db()
    assert org.name == "Fjällräv"

    other = tmp_path / "other.csv"
    other.write_text("namn;adress\nA;B\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1: not Bolagsverket's bulk file: missing columns"):
        run("bolagsverket", str(other))
