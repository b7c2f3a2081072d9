"""Demo hook: one customer company's beneficial owner, signatory, a PEP relation and its
customer due diligence, and an AML investigation of the owner, which the owner's access
package withholds (see the organisation's "Know your customer" page)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rekisteri.access.capabilities import Cap
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.kyc.models import BeneficialOwner
from rekisteri.kyc.services import (
    aml_investigation_record,
    beneficial_owner_record,
    due_diligence_record,
    pep_record,
    representation_record,
)
from rekisteri.register.models import Affiliation


def load(*, stdout: Any) -> None:
    if BeneficialOwner.objects.exists():
        stdout.write("kyc demo: already present")
        return
    links = list(
        Affiliation.objects.filter(person__restricted_since__isnull=True)
        .select_related("organization")
        .order_by("organization_id", "person_id")[:200]
    )
    by_org: dict[int, list[Affiliation]] = {}
    for a in links:
        if a.person.controller_id == a.organization.controller_id:
            by_org.setdefault(a.organization_id, []).append(a)
    org_id, people = next(((o, p) for o, p in by_org.items() if len(p) >= 2), (None, []))
    if org_id is None:
        return
    owner, signer = people[0].person_id, people[1].person_id
    today = timezone.localdate()
    actor = Actor("demo")
    scope = system_scope(
        "demo data: KYC records of one customer",
        actor=actor.name,
        capabilities=[Cap.SCREEN_CUSTOMERS, Cap.INVESTIGATE_TRANSACTIONS],
    )
    source = {"source_date": today - timedelta(days=30)}
    beneficial_owner_record(
        scope=scope,
        actor=actor,
        organization_id=org_id,
        person_id=owner,
        data={
            "control": "ownership",
            "share_percent": "62.5",
            "source": "owner_register",
            **source,
        },
    )
    representation_record(
        scope=scope,
        actor=actor,
        organization_id=org_id,
        person_id=signer,
        data={
            "kind": "signing_right",
            "evidence": "Trade register extract",
            "valid_from": today - timedelta(days=400),
            "source": "trade_register",
            **source,
        },
    )
    pep_record(
        scope=scope,
        actor=actor,
        person_id=owner,
        data={
            "relation": "family_member",
            "related_to": "Member of parliament (spouse)",
            "position": "member of parliament",
            "country": "FI",
            "since": today - timedelta(days=900),
            "next_review": today + timedelta(days=335),
            "source": "person_statement",
            **source,
        },
    )
    due_diligence_record(
        scope=scope,
        actor=actor,
        organization_id=org_id,
        data={
            "risk_level": "high",
            "checks": ["identity of the representative", "beneficial owners", "PEP status"],
            "checked_on": today - timedelta(days=30),
            "next_review": today + timedelta(days=335),
        },
    )
    # What the AML acts withhold from access: the owner's access package says so, without it.
    aml_investigation_record(
        scope=scope,
        actor=actor,
        person_id=owner,
        organization_id=org_id,
        data={
            "opened_on": today - timedelta(days=10),
            "grounds": "Large cash deposits that do not fit the customer's business",
            "outcome": "open",
        },
    )
    stdout.write(f"kyc demo: KYC records of one customer (see /staff/kyc/organisations/{org_id}/)")
