"""The demo's trade register data: one organisation enriched from the recorded PRH answer
(fixtures/demo_prh.json, in the API's v3 format), one flagged as ended; idempotent."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from rekisteri.enrichment import demo
from rekisteri.enrichment.models import TradeRegisterRecord
from rekisteri.enrichment.sources import parse_prh
from rekisteri.register.models import Organization, OrganizationProvenance

pytestmark = pytest.mark.django_db


def test_the_fixture_is_prh_v3_company_json() -> None:
    raw = json.loads(demo.FIXTURE.read_text(encoding="utf-8"))
    assert raw["totalResults"] == len(raw["companies"]) == 2
    companies = parse_prh(demo.FIXTURE.read_text(encoding="utf-8"), demo.FIXTURE.name)
    assert {c.business_id for c in companies} == {o["business_id"] for o in demo.ORGANISATIONS}


def test_the_demo_enriches_one_organisation_and_flags_one_as_ended(fi_controller: Any) -> None:
    out = io.StringIO()
    demo.load(stdout=out)
    assert "2 organisations checked, 2 changed, 1 flagged for review" in out.getvalue()

    active = Organization.objects.get(business_id="2987654-0")
    assert active.city == "Tampere" and active.street == "Satamatie 41"
    assert active.website == "https://www.kuusiranta.example"
    latest = OrganizationProvenance.objects.filter(organization=active).first()
    assert latest is not None and latest.source_kind == "public_register"
    assert "city" in latest.fields
    record = TradeRegisterRecord.objects.get(organization=active)
    assert record.status == "registered" and not record.review_open

    ended = TradeRegisterRecord.objects.get(organization__business_id="3198765-3")
    assert ended.review_open and ended.review_reason == "ended"
    assert str(ended.end_date) == "2026-03-31"

    again = io.StringIO()
    demo.load(stdout=again)
    assert "already present" in again.getvalue()
    assert TradeRegisterRecord.objects.count() == 2
