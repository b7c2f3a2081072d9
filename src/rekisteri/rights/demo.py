"""Demo requests for the DPO's queue: one open access request, one overdue erasure request
and one restriction request waiting for identity verification. Idempotent: a second run
adds nothing (the demo requests are recognised by their creator)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rekisteri.access.capabilities import Cap
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.register.models import ContactKind, ContactPoint
from rekisteri.rights.models import RightsRequest
from rekisteri.rights.services import request_create_staff

DEMO_ACTOR = Actor("demo")


def load(*, stdout: Any) -> None:
    if RightsRequest.objects.filter(created_by=DEMO_ACTOR.name).exists():
        stdout.write("rights: demo requests already there")
        return
    contacts = list(
        ContactPoint.objects.filter(kind=ContactKind.EMAIL)
        .select_related("person")
        .order_by("person_id")[:3]
    )
    if len(contacts) < 3:
        stdout.write("rights: no demo persons with email; no demo requests")
        return
    scope = system_scope(
        "demo data: requests for the DPO's queue",
        actor=DEMO_ACTOR.name,
        capabilities=[Cap.HANDLE_RIGHTS_REQUESTS],
    )
    now = timezone.now()
    plans = [
        ("access", "email", now - timedelta(days=3), "known_email", "Haluan kopion tiedoistani."),
        ("erasure", "letter", now - timedelta(days=40), "signed_letter", "Poistakaa tietoni."),
        ("restriction", "phone", now - timedelta(days=1), "", "The phone number is wrong."),
    ]
    for cp, (kind, channel, received, method, details) in zip(contacts, plans, strict=True):
        request_create_staff(
            scope=scope,
            actor=DEMO_ACTOR,
            kind=kind,
            channel=channel,
            received_at=received,
            requester_name=str(cp.person),
            requester_email=cp.value if channel == "email" else "",
            language=cp.person.language,
            details=details,
            person_ids=[cp.person_id],
            verification_method=method,
        )
    stdout.write("rights: 3 demo requests in the DPO's queue (one overdue)")
