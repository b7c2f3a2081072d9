"""Demo hook: two disclosures (a tax authority request, a credit check) in the log."""

from __future__ import annotations

from typing import Any

from rekisteri.access.capabilities import Cap
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.disclosures.models import Disclosure
from rekisteri.disclosures.services import disclosure_record
from rekisteri.register.models import Person


def load(*, stdout: Any) -> None:
    if Disclosure.objects.exists():
        stdout.write("disclosures demo: already present")
        return
    people = list(
        Person.objects.filter(restricted_since__isnull=True, is_consumer=False).order_by("pk")[:3]
    )
    if not people:
        return
    actor = Actor("demo")
    scope = system_scope(
        "demo data: two disclosures", actor=actor.name, capabilities=[Cap.LOG_DISCLOSURES]
    )
    disclosure_record(
        scope=scope,
        actor=actor,
        person_ids=[p.pk for p in people],
        recipient_code="tax_authority",
        categories=["basic", "billing"],
        basis="legal_obligation",
        reason="Tax audit: invoices of 2025 requested by the tax authority",
        request_ref="VH/2026/0042",
    )
    disclosure_record(
        scope=scope,
        actor=actor,
        person_ids=[people[0].pk],
        recipient_code="credit_agency",
        categories=["basic", "billing"],
        basis="contract",
        reason="Credit check before a large order",
    )
    stdout.write("disclosures demo: 2 disclosures logged (see /staff/disclosures/)")
