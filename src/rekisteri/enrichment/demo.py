"""Demo hook: two invented Finnish organisations enriched from a recorded answer of PRH's
open data API v3 (fixtures/demo_prh.json, written in the API's format for the demo, never
downloaded): one gets its address, line of business and website from the register with
`public_register` provenance, the other has ended and is flagged for review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import system_scope
from rekisteri.audit.services import Actor
from rekisteri.enrichment.models import TradeRegisterRecord
from rekisteri.enrichment.services import enrich
from rekisteri.enrichment.sources import parse_prh
from rekisteri.register.models import Controller, Organization
from rekisteri.register.services import organization_create

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_prh.json"
#: the demo's organisations as the group company first recorded them (name only)
ORGANISATIONS = (
    {"name": "Kuusiranta Logistiikka Oy", "business_id": "2987654-0", "country": "FI"},
    {"name": "Lehtolaakso Kahvila Ky", "business_id": "3198765-3", "country": "FI"},
)


def load(*, stdout: Any) -> None:
    controller = Controller.objects.filter(country="FI").order_by("pk").first()
    if controller is None:
        return
    ids = [o["business_id"] for o in ORGANISATIONS]
    if TradeRegisterRecord.objects.filter(
        organization__controller=controller, organization__business_id__in=ids
    ).exists():
        stdout.write("trade register demo: already present")
        return
    actor = Actor("demo")
    scope = system_scope(
        "demo data: organisations enriched from a recorded trade register answer",
        Cap.UPDATE_FROM_TRADE_REGISTER,
    )
    for data in ORGANISATIONS:
        if not Organization.objects.filter(
            controller=controller, country="FI", business_id=data["business_id"]
        ).exists():
            organization_create(actor=actor, controller=controller, data=dict(data), scope=scope)
    companies = parse_prh(FIXTURE.read_text(encoding="utf-8"), FIXTURE.name)
    report = enrich(actor=actor, scope=scope, companies=companies, controller_id=controller.pk)
    stdout.write(f"trade register demo: {report.summary()} (from {FIXTURE.name})")
    for org in report.organizations:
        stdout.write(f"  see /staff/register/organizations/{org.organization_id}/")
