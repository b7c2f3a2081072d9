"""Writing the audit trail. Call `audit_record` inside the transaction of the action."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone

from rekisteri.audit.models import (
    AuditEvent,
    AuditKey,
    AuditSubject,
    ChainHead,
    ChainVerification,
    ErasedSubject,
)
from rekisteri.common.crypto import encrypt_with, new_key
from rekisteri.common.prepared import pipeline_supported, pipelined


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff user name, or a process ('import', 'retention', 'public')."""

    name: str
    ip: str | None = None
    purpose: str = ""


def actor_of(user: Any, ip: str | None = None, purpose: str = "") -> Actor:
    if isinstance(user, Actor):
        return user
    if isinstance(user, str):
        return Actor(user, ip, purpose)
    return Actor(getattr(user, "username", "") or "anonymous", ip, purpose)


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "person_id": event.person_id,
        "person_ids": event.person_ids,
        "record": event.record,
        "categories": event.categories,
        "fields": event.fields,
        "purpose": event.purpose,
        "reason": event.reason,
        "ip": event.ip,
        "detail": event.detail,
        "sealed": event.sealed,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    """HMAC-SHA256 of the event's content and its predecessor's hash, keyed with the chain
    key from outside the database, so that a forged event cannot be made to verify."""
    key = hashlib.sha256(f"audit-chain:{settings.AUDIT_CHAIN_KEY}".encode()).digest()
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def person_key(person_id: int) -> str:
    key = AuditKey.objects.filter(person_id=person_id).values_list("key", flat=True).first()
    if key is None:
        key = new_key()
        AuditKey.objects.create(person_id=person_id, key=key)
    return key


def _chain_head_locked() -> tuple[int, str]:
    """The chain head's (seq, hash), locked until the transaction ends.

    One plain statement: the ORM's query building cost more than the query, on every read
    that is audited. (On SQLite the transaction itself holds the write lock.)
    """
    meta, qn = ChainHead._meta, connection.ops.quote_name
    sql = (
        f"SELECT {qn(meta.get_field('seq').column)}, {qn(meta.get_field('hash').column)} "  # noqa: S608
        f"FROM {qn(meta.db_table)} WHERE {qn(meta.pk.column)} = 1"
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    if pipeline_supported(connection):
        # psycopg's BEGIN and this statement in one round trip: the lock is the one place
        # where concurrent audited reads wait for each other.
        rows = pipelined(connection, [(sql, [])])[0]
        row = rows[0] if rows else None
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    if row is None:
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        return head.seq, head.hash
    return int(row[0]), str(row[1])


def audit_record(
    *,
    actor: Actor | Any,
    action: str,
    person_id: int | None = None,
    person_ids: Iterable[int] = (),
    record: str = "",
    categories: Iterable[str] = (),
    fields: Iterable[str] = (),
    purpose: str = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
    sealed: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    `sealed` holds values that must be kept but are personal (before/after of a change);
    they are encrypted with the person's key and become unreadable when it is destroyed.
    """
    actor = actor_of(actor)
    if sealed and person_id is None:
        raise ValueError("sealed values need the person whose key seals them")
    # No savepoint of its own: the event belongs to the caller's transaction, and if it
    # cannot be written, nothing of that transaction may be kept either.
    with transaction.atomic(savepoint=False):
        head_seq, head_hash = _chain_head_locked()
        sealed_text = ""
        if sealed:
            sealed_text = encrypt_with(person_key(person_id), json.dumps(sealed, default=str))
        event = AuditEvent(
            seq=head_seq + 1,
            at=timezone.now(),
            actor=actor.name[:150],
            action=action,
            person_id=person_id,
            person_ids=sorted(set(person_ids)),
            record=record,
            categories=sorted(set(categories)),
            fields=sorted(set(fields)),
            purpose=purpose or actor.purpose,
            reason=reason[:500],
            ip=actor.ip,
            detail=detail or {},
            sealed=sealed_text,
            prev_hash=head_hash,
        )
        event.hash = event_hash(event)
        subjects = set(event.person_ids) | ({person_id} if person_id is not None else set())
        if connection.vendor == "postgresql":
            _write_event_one_statement(event, sorted(subjects))
            return event
        event.save()
        meta, qn = AuditSubject._meta, connection.ops.quote_name
        with connection.cursor() as cursor:
            if subjects:
                # executemany rather than bulk_create: an import names every person it wrote,
                # and the ORM's per-object work was a tenth of a 100,000-row import.
                cursor.executemany(
                    f"INSERT INTO {qn(meta.db_table)} ({qn(meta.get_field('event').column)}, "  # noqa: S608
                    f"{qn(meta.get_field('person_id').column)}) VALUES (%s, %s)",
                    [(event.pk, pid) for pid in sorted(subjects)],
                )
            head = ChainHead._meta
            cursor.execute(
                f"UPDATE {qn(head.db_table)} SET {qn(head.get_field('seq').column)} = %s, "  # noqa: S608
                f"{qn(head.get_field('hash').column)} = %s WHERE {qn(head.pk.column)} = 1",
                [event.seq, event.hash],
            )
    return event


def _write_event_one_statement(event: AuditEvent, subjects: list[int]) -> None:
    """PostgreSQL: the event, its subject rows and the new chain head in one statement
    (data-modifying CTEs), so that the chain head's lock is held for one round trip and
    the commit instead of four. The INSERT is the ORM's own, compiled for this event."""
    fields = [f for f in AuditEvent._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(AuditEvent)
    query.insert_values(fields, [event])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [AuditEvent._meta.pk]
    [(insert, params)] = compiler.as_sql()
    qn = connection.ops.quote_name
    subject, head = AuditSubject._meta, ChainHead._meta
    sql = (
        f"WITH e AS ({insert}), "  # noqa: S608 - names from the models, values as parameters
        f"s AS (INSERT INTO {qn(subject.db_table)} ({qn(subject.get_field('event').column)}, "
        f"{qn(subject.get_field('person_id').column)}) SELECT e.{qn(AuditEvent._meta.pk.column)}, "
        "x FROM e, unnest(%s::bigint[]) AS x), "
        f"h AS (UPDATE {qn(head.db_table)} SET {qn(head.get_field('seq').column)} = %s, "
        f"{qn(head.get_field('hash').column)} = %s WHERE {qn(head.pk.column)} = 1) "
        f"SELECT e.{qn(AuditEvent._meta.pk.column)} FROM e"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, subjects, event.seq, event.hash])
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias


def audit_key_destroy(*, person_id: int, controller_id: int) -> None:
    """Crypto-shredding: the person's sealed audit values become unreadable."""
    audit_keys_destroy({person_id: controller_id})


def audit_keys_destroy(companies: dict[int, int]) -> None:
    """`audit_key_destroy` for many persons (person id -> group company id). Whose each
    person was is kept (`ErasedSubject`): that company's DPO may still read the access log."""
    if not companies:
        return
    AuditKey.objects.filter(person_id__in=list(companies)).delete()
    ErasedSubject.objects.bulk_create(
        [ErasedSubject(person_id=p, controller_id=c) for p, c in companies.items()],
        ignore_conflicts=True,
    )


def audit_verification_record(
    *, checked: int, problem_seq: int | None = None, problem_kind: str = ""
) -> ChainVerification:
    """Record one run of the chain check (`rekisteri audit verify`), for /healthz."""
    return ChainVerification.objects.create(
        at=timezone.now(),
        checked=checked,
        ok=problem_seq is None and not problem_kind,
        problem_seq=problem_seq,
        problem_kind=problem_kind[:16],
    )
