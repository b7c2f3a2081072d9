"""Reading and checking the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from rekisteri.audit.models import AuditEvent, AuditKey, ChainHead
from rekisteri.audit.services import event_hash
from rekisteri.common.crypto import decrypt_with


@dataclass
class ChainProblem:
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"event {self.seq} (id {self.event_id}): {self.problem}"


def audit_chain_verify(*, chunk: int = 5000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return how many events were checked and the first problem."""
    prev_hash = "0" * 64
    expected_seq = 1
    checked = 0
    last_id = 0
    while True:
        events = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:chunk])
        if not events:
            break
        for event in events:
            if event.seq != expected_seq:
                return checked, ChainProblem(
                    expected_seq,
                    None,
                    f"missing: the chain jumps from event {expected_seq - 1} to {event.seq} (removed)",
                )
            if event.prev_hash != prev_hash:
                return checked, ChainProblem(
                    event.seq,
                    event.id,
                    "does not follow the event before it (inserted or reordered)",
                )
            if event_hash(event) != event.hash:
                return checked, ChainProblem(
                    event.seq, event.id, "its content does not match its hash (changed)"
                )
            prev_hash = event.hash
            expected_seq += 1
            checked += 1
            last_id = event.id
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return checked, ChainProblem(
            checked + 1,
            last_id or None,
            f"the chain ends at event {checked} but its head says {head.seq} (events removed from the end)",
        )
    return checked, None


def audit_events_for_person(*, person_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(person_id=person_id).order_by("seq")


def audit_unseal(event: AuditEvent) -> dict[str, Any] | None:
    """The sealed values of an event, or None when the person's key has been destroyed."""
    if not event.sealed or event.person_id is None:
        return None
    key = AuditKey.objects.filter(person_id=event.person_id).values_list("key", flat=True).first()
    if key is None:
        return None
    text = decrypt_with(key, event.sealed)
    return json.loads(text) if text else None
