"""Putting a message in the outbox, and taking a person's messages out of it.

`enqueue` runs inside the caller's transaction: the message exists if and only if the
business write that caused it committed (no mail about a request that was rolled back, no
request without its mail). Nothing is sent here; `rekisteri.mail.delivery.deliver_due`
sends (the worker calls it; so does `rekisteri outbox deliver`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from rekisteri.common.crypto import decrypt_field, encrypt_field, keyed_hash
from rekisteri.mail.models import Message, MessageStatus
from rekisteri.register.models import ContactKind, ContactPoint

#: CR, LF, NUL and the other control characters: never in a header
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class OutboxError(ValueError):
    """A message that cannot be queued; the message names the field, never its value."""


def normalise_address(address: str) -> str:
    return (address or "").strip().lower()


def recipient_hash(address: str) -> str:
    """Keyed hash of an address: names the message's files and finds them at erasure."""
    return keyed_hash(normalise_address(address), purpose="mail-recipient")


def enqueue(
    *,
    controller_id: int | None,
    to: str,
    subject: str,
    body: str,
    kind: str,
    person_id: int | None = None,
    reference: str = "",
    from_email: str | None = None,
    day_key: str | None = None,
) -> Message:
    """Queue one message to one address, in the caller's transaction.

    `day_key`: a message to be sent at most once per key (a daily reminder): a second call
    with the same key returns the first message and queues nothing."""
    if not connection.in_atomic_block:
        raise RuntimeError("enqueue runs inside the transaction of the write that causes it")
    address = (to or "").strip()
    if not address or "@" not in address or CONTROL.search(address):
        raise OutboxError("to: not an email address")
    sender = from_email or settings.DEFAULT_FROM_EMAIL
    if CONTROL.search(sender):
        raise OutboxError("from_email: contains a control character")
    now = timezone.now()
    fields = {
        "controller_id": controller_id,
        "person_id": person_id,
        "kind": kind,
        "reference": reference[:100],
        "from_email": sender,
        "to_address": address,
        "recipient_hash": recipient_hash(address),
        "subject": encrypt_field(CONTROL.sub(" ", subject).strip()),
        "body": encrypt_field(body),
        "next_attempt_at": now,
        "created_at": now,
        "day_key": day_key,
    }
    if day_key is None:
        return Message.objects.create(**fields)
    existing = Message.objects.filter(day_key=day_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Message.objects.create(**fields)
    except IntegrityError:  # queued by a concurrent run meanwhile
        return Message.objects.get(day_key=day_key)


def content_of(message: Message) -> tuple[str, str]:
    """(subject, body) in clear; ("", "") once the message was sent and its body wiped."""
    subject = decrypt_field(message.subject) if message.subject else ""
    body = decrypt_field(message.body) if message.body else ""
    return subject, body


# --- the file outbox ---------------------------------------------------------------------------


def file_outbox() -> Path | None:
    """The directory of the file outbox, when the configured backend is it."""
    if settings.EMAIL_BACKEND != "rekisteri.mail.backends.FileOutbox":
        return None
    return Path(settings.EMAIL_FILE_PATH)


def where_mail_goes() -> str:
    """One line for the operator: where outgoing mail ends up (no address in it)."""
    folder = file_outbox()
    if folder is not None:
        return (
            f"mail: no EMAIL_URL set; each message is written to {folder}/ as one .eml file "
            "(open it with any mail reader)"
        )
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return f"mail: sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return f"mail: {settings.EMAIL_BACKEND}"


def files_of(addresses: Iterable[str]) -> list[Path]:
    folder = file_outbox()
    if folder is None or not folder.is_dir():
        return []
    out: list[Path] = []
    for h in {recipient_hash(a) for a in addresses if a}:
        out += folder.glob(f"{h[:32]}-*.eml")
    return out


# --- erasure -----------------------------------------------------------------------------------


def mail_forget(*, person: Any, addresses: Iterable[str] = ()) -> int:
    """Erasure: delete every message to or about the person, in the erasure's transaction,
    and after it commits their files in the file outbox. `addresses`: other addresses the
    person wrote from (a request's), besides their contact points. Returns rows deleted."""
    known = set(
        ContactPoint.objects.filter(person_id=person.pk, kind=ContactKind.EMAIL).values_list(
            "value", flat=True
        )
    )
    known |= {a for a in addresses if a}
    hashes = {recipient_hash(a) for a in known}
    deleted, _ = Message.objects.filter(
        Q(person_id=person.pk) | Q(recipient_hash__in=hashes)
    ).delete()

    def remove_files() -> None:
        for path in files_of(known):
            path.unlink(missing_ok=True)

    transaction.on_commit(remove_files)
    return deleted


# --- retention ---------------------------------------------------------------------------------


def mail_purge(*, now: Any = None) -> dict[str, int]:
    """Delete sent messages older than REKISTERI_MAIL_KEEP_DAYS and permanently failed ones
    older than REKISTERI_MAIL_DEAD_KEEP_DAYS, and the file outbox's files older than the
    first. A callable for the worker's schedule (`rekisteri outbox purge` runs it)."""
    now = now or timezone.now()
    sent_cutoff = now - timedelta(days=settings.MAIL_KEEP_DAYS)
    dead_cutoff = now - timedelta(days=settings.MAIL_DEAD_KEEP_DAYS)
    with transaction.atomic():
        sent, _ = Message.objects.filter(
            status=MessageStatus.SENT, sent_at__lt=sent_cutoff
        ).delete()
        dead, _ = Message.objects.filter(
            status__in=(MessageStatus.DEAD, MessageStatus.UNKNOWN), failed_at__lt=dead_cutoff
        ).delete()
    files = 0
    folder = file_outbox()
    if folder is not None and folder.is_dir():
        for path in folder.glob("*.eml"):
            if path.stat().st_mtime < sent_cutoff.timestamp():
                path.unlink(missing_ok=True)
                files += 1
    return {"sent": sent, "failed": dead, "files": files}
