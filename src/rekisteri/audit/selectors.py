"""Reading and checking the audit trail.

`audit_chain_verify` walks the chain in order and names the first event that was changed
(its HMAC does not match its content), removed (the sequence jumps, or the chain ends before
its head) or inserted (it does not follow its predecessor, or lies beyond the head).
`audit_access_log` is the DPO's answer to "who has looked at or changed this person's data,
when, and why"; `audit_access_log_for_package` is the same log as the person gets it in their
access package (Art. 15): when, what, for which purpose and which data, in their language,
with staff shown as "staff" rather than by name (CJEU C-579/21, Pankki S: the person is owed
the processing, not which colleague did it), and processes by what they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.purpose import purposes_of
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import (
    AuditAction,
    AuditEvent,
    AuditKey,
    ChainHead,
    ChainVerification,
    ErasedSubject,
)
from rekisteri.audit.services import event_hash
from rekisteri.common.crypto import decrypt_with


@dataclass
class ChainProblem:
    seq: int
    event_id: int | None
    problem: str
    kind: str = "changed"  # changed | removed | inserted

    def __str__(self) -> str:
        where = f"event {self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return f"{where}: {self.problem}"


def _describe(event: AuditEvent) -> str:
    at = event.at.isoformat() if isinstance(event.at, datetime) else "an unreadable time"
    return f"{event.action} by {event.actor} at {at}"


def audit_chain_verify(*, chunk: int = 5000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return how many events were checked and the first problem."""
    head = ChainHead.objects.filter(pk=1).first()
    head_seq = head.seq if head is not None else 0
    prev_hash = "0" * 64
    expected_seq = 1
    checked = 0
    while True:
        events = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:chunk])
        if not events:
            break
        for event in events:
            if event.seq > head_seq:
                return checked, ChainProblem(
                    event.seq,
                    event.id,
                    f"inserted: lies beyond the last event the chain recorded ({head_seq}); "
                    + _describe(event),
                    "inserted",
                )
            if event.seq != expected_seq:
                return checked, ChainProblem(
                    expected_seq,
                    None,
                    f"removed: the chain jumps from event {expected_seq - 1} to {event.seq}",
                    "removed",
                )
            # A time garbled in the database (SQLite keeps any text) reads as None: the
            # event was changed, whatever else it holds.
            valid = isinstance(event.at, datetime) and event_hash(event) == event.hash
            if event.prev_hash != prev_hash:
                return checked, ChainProblem(
                    event.seq,
                    event.id,
                    ("inserted or reordered" if valid else "inserted or changed")
                    + ": does not follow the event before it; "
                    + _describe(event),
                    "inserted",
                )
            if not valid:
                return checked, ChainProblem(
                    event.seq,
                    event.id,
                    "changed: its content does not match its hash; " + _describe(event),
                    "changed",
                )
            prev_hash = event.hash
            expected_seq += 1
            checked += 1
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return checked, ChainProblem(
            checked + 1,
            None,
            f"removed: the chain ends at event {checked} but its head records {head.seq}",
            "removed",
        )
    return checked, None


def audit_verification_last() -> ChainVerification | None:
    """The last recorded run of `rekisteri audit verify`, or None when it has never run."""
    return ChainVerification.objects.order_by("-at", "-pk").first()


def audit_chain_head() -> tuple[int, str]:
    """The last event's number and hash: write them down elsewhere to anchor the chain."""
    head = ChainHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head is not None else (0, "0" * 64)


def audit_events_for_person(*, person_id: int) -> QuerySet[AuditEvent]:
    """Every event that names the person, alone or in a batch, in chain order."""
    return AuditEvent.objects.filter(subjects__person_id=person_id).distinct().order_by("seq")


def audit_unseal(event: AuditEvent) -> dict[str, Any] | None:
    """The sealed values of an event, or None when the person's key has been destroyed."""
    if not event.sealed or event.person_id is None:
        return None
    key = AuditKey.objects.filter(person_id=event.person_id).values_list("key", flat=True).first()
    if key is None:
        return None
    text = decrypt_with(key, event.sealed)
    return json.loads(text) if text else None


@dataclass(frozen=True)
class AccessLogEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    action_label: str
    purpose: str
    categories: list[str]
    fields: list[str]
    ip: str | None
    reason: str
    batch: bool
    #: the sealed reason of a reveal, while the person's key exists
    sealed_reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    #: the record the event is about ("register.Person:42"): whose model its fields are
    record: str = ""


def _holds_every_company(scope: Scope) -> bool:
    from rekisteri.register.models import Controller

    return set(Controller.objects.values_list("pk", flat=True)) <= set(scope.controller_ids)


def audit_access_log(*, scope: Scope, person_id: int) -> list[AccessLogEntry]:
    """Who accessed or changed this person's data, when, for which purpose: the DPO's view.

    Refused for anyone but the DPO; a DPO sees the persons of their own group companies,
    also once erased (their events remain under a bare id; `ErasedSubject` says whose).
    """
    if not scope.can(Cap.READ_AUDIT_TRAIL):
        raise ProcessingRefused(
            _("Your role's purposes do not cover reading the audit trail."), "capability"
        )
    from rekisteri.register.models import Person

    controller_id = (
        Person.objects.filter(pk=person_id).values_list("controller_id", flat=True).first()
    )
    if controller_id is None:
        # No longer in the register: whose the person was is kept when they were erased
        # (`ErasedSubject`). When that is not known (erased before it was kept), only a DPO
        # of every group company reads the log: fail closed.
        controller_id = (
            ErasedSubject.objects.filter(person_id=person_id)
            .values_list("controller_id", flat=True)
            .first()
        )
        if controller_id is None and not _holds_every_company(scope):
            raise Http404
    if controller_id is not None and controller_id not in scope.controller_ids:
        raise Http404  # another group company's person does not exist for this user
    labels = dict(AuditAction.choices)
    entries = []
    for event in audit_events_for_person(person_id=person_id):
        sealed_reason = ""
        if event.action == AuditAction.REVEAL and event.person_id == person_id:
            sealed = audit_unseal(event) or {}
            sealed_reason = str(sealed.get("reason", ""))
        entries.append(
            AccessLogEntry(
                seq=event.seq,
                at=event.at,
                actor=event.actor,
                action=event.action,
                action_label=str(labels.get(event.action, event.action)),
                purpose=event.purpose,
                categories=list(event.categories),
                fields=list(event.fields),
                ip=event.ip,
                reason=event.reason,
                batch=event.person_id != person_id,
                sealed_reason=sealed_reason,
                detail=dict(event.detail),
                record=event.record,
            )
        )
    return entries


#: actor names of processes rather than people (rekisteri.audit.work.system_scope's actors,
#: the self-service pages, imports): shown by what they are; every other actor is "staff"
PROCESS_ACTORS = {
    "public": gettext_lazy("self-service page"),
    "import": gettext_lazy("data import"),
    "retention": gettext_lazy("automatic deletion (retention rules)"),
    "system": gettext_lazy("the register system"),
    "demo": gettext_lazy("the register system"),
}
STAFF_ACTOR = gettext_lazy("staff")


def _catalogue_name(names: Any, code: str, lang: str) -> str:
    if isinstance(names, dict):
        return str(names.get(lang) or names.get("en") or code)
    return code


def audit_access_log_for_package(*, person_id: int, lang: str) -> list[dict[str, Any]]:
    """The person's access log for their access package: one entry per event naming them.

    Entry: {"at", "actor", "action", "action_label", "purpose", "purpose_names",
    "categories", "category_names"}; `actor` is "staff" or the process, in `lang`."""
    from rekisteri.catalogue.selectors import catalogue_snapshot

    snap = catalogue_snapshot()
    labels = dict(AuditAction.choices)
    out = []
    with translation.override(lang):
        for event in audit_events_for_person(person_id=person_id).only(
            "at", "actor", "action", "purpose", "categories"
        ):
            purposes = purposes_of(event.purpose or "")
            out.append(
                {
                    "at": event.at.isoformat(),
                    "actor": str(PROCESS_ACTORS.get(event.actor, STAFF_ACTOR)),
                    "action": event.action,
                    "action_label": _(str(labels.get(event.action, event.action))),
                    "purpose": event.purpose,
                    "purpose_names": [
                        _catalogue_name(getattr(snap.purposes.get(p), "name", None), p, lang)
                        for p in purposes
                    ],
                    "categories": list(event.categories),
                    "category_names": [
                        _catalogue_name(getattr(snap.categories.get(c), "name", None), c, lang)
                        for c in event.categories
                    ],
                }
            )
    return out
