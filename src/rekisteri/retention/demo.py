"""Demo for retention: one legal hold, and a first sweep so that the retention page shows
what it removed. Idempotent: does nothing once a hold or a sweep exists."""

from __future__ import annotations

from typing import Any

from rekisteri.audit.services import Actor
from rekisteri.interactions.models import Invoice
from rekisteri.retention.models import LegalHold, SweepRun
from rekisteri.retention.services import legal_hold_place, retention_sweep


def load(*, stdout: Any) -> None:
    if LegalHold.objects.exists() or SweepRun.objects.exists():
        stdout.write("retention demo: already present")
        return
    # Keep one old invoice past its ten years: a tax audit of that year is still open.
    old = Invoice.objects.order_by("billing_year", "pk").first()
    if old is not None:
        legal_hold_place(
            actor=Actor("demo"),
            controller=old.controller,
            record=f"interactions.Invoice:{old.pk}",
            reason="Verotarkastus kesken / tax audit open",
        )
    result = retention_sweep(actor=Actor("retention"))
    stdout.write(f"retention demo: first sweep removed {result.total} records")
