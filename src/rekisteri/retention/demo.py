"""Demo for retention: one legal hold, and a first sweep so that the retention page shows
what it removed. Idempotent: does nothing once a hold or a sweep exists."""

from __future__ import annotations

from typing import Any

from rekisteri.access.capabilities import Cap
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.interactions.models import Invoice
from rekisteri.retention.models import LegalHold, SweepRun
from rekisteri.retention.services import SWEEP_ACTOR, legal_hold_place, retention_sweep


def load(*, stdout: Any) -> None:
    if LegalHold.objects.exists() or SweepRun.objects.exists():
        stdout.write("retention demo: already present")
        return
    # Keep one old invoice past its ten years: a tax audit of that year is still open.
    old = Invoice.objects.order_by("billing_year", "pk").first()
    if old is not None:
        legal_hold_place(
            scope=system_scope(
                "demo data: a legal hold", actor="demo", capabilities=[Cap.MANAGE_LEGAL_HOLDS]
            ),
            actor=Actor("demo"),
            record=f"interactions.Invoice:{old.pk}",
            reason="Verotarkastus kesken / tax audit open",
        )
    scope = system_scope("demo data: a first retention sweep", actor=SWEEP_ACTOR, capabilities=())
    result = retention_sweep(scope=scope)
    stdout.write(f"retention demo: first sweep removed {result.total} records")
