"""Sending the outbox: claim, send, record; retry with backoff; dead-letter after N failures.

Design (as healthchecks' sendalerts and marketing/sending.py, the database is the queue):

- A run claims a batch of due rows with a conditional UPDATE (queued → claimed, named by the
  run: host, process id, a random run id), so two runs never send the same row.
- Each row is marked `sending` (a commit) just before it is handed over: over SMTP after the
  peer accepted sender and recipient, right before DATA; with any other backend (the file
  outbox, Django's test outbox) right before `send_messages`. It is `sent` (its body wiped)
  once the peer accepted it.
- Failures: a refusal (5xx) is final at once; anything else (4xx, the server unreachable, a
  dropped connection before DATA) is retried after 1, 2, 4, … minutes (REKISTERI_MAIL_RETRY_SECONDS
  doubling, at most 6 hours), and after REKISTERI_MAIL_MAX_ATTEMPTS attempts the row is
  `dead`: it shows in the staff page of failed messages (retry or discard).
- A run that died (kill -9, power loss) is recognised at once when it ran on this host and
  its process is gone, otherwise after LEASE: its `claimed` rows were never tried and go
  back to the queue; a `sending` row may have reached the peer unrecorded: it becomes
  `unknown` and is never resent by itself (the staff page offers retry). So a message is
  sent at most once by the machine, and every message ends `sent`, `dead` or `unknown`.
"""

from __future__ import annotations

import contextlib
import smtplib
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rekisteri.common.process import worker_identity, worker_is_dead
from rekisteri.mail.models import Message, MessageStatus
from rekisteri.mail.outbox import content_of

#: a run that has not touched its rows for this long is taken for dead (on another host)
LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    unknown: int = 0
    #: claimed by a run that died before trying them, queued again
    requeued: int = 0
    #: due messages not sent in this run (the server unreachable, or over the limit)
    remaining: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.as_dict().items())


class _Stop(Exception):
    """The mail server cannot be used now: end the run, the rest waits."""


def run_identity() -> str:
    """This run's name on the rows it claims: the same process identity as the worker's and
    the campaign sender's (host, pid, the process's start time, a random run id)."""
    return worker_identity(uuid.uuid4().hex[:12])


def run_is_dead(identity: str) -> bool:
    """The run certainly ended: it ran on this host and its process is gone (or its pid now
    belongs to a later process)."""
    return worker_is_dead(identity)


def backoff(attempts: int) -> timedelta:
    base = timedelta(seconds=settings.MAIL_RETRY_SECONDS)
    return min(base * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def recover(now: Any = None) -> tuple[int, int]:
    """Settle what dead runs left: (rows queued again, rows now unknown)."""
    now = now or timezone.now()
    held = Message.objects.filter(status__in=(MessageStatus.CLAIMED, MessageStatus.SENDING))
    requeued = unknown = 0
    for identity in set(held.values_list("claimed_by", flat=True)):
        rows = held.filter(claimed_by=identity)
        if not run_is_dead(identity):
            rows = rows.filter(Q(claimed_at__lt=now - LEASE) | Q(claimed_at__isnull=True))
        with transaction.atomic():
            requeued += rows.filter(status=MessageStatus.CLAIMED).update(
                status=MessageStatus.QUEUED, claimed_by="", claimed_at=None
            )
            unknown += rows.filter(status=MessageStatus.SENDING).update(
                status=MessageStatus.UNKNOWN, claimed_by="", last_error="interrupted", failed_at=now
            )
    return requeued, unknown


def _build(row: Message, conn: Any) -> EmailMessage:
    subject, body = content_of(row)
    domain = row.from_email.rsplit("@", 1)[-1] if "@" in row.from_email else "localhost"
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=row.from_email,
        to=[row.to_address],
        headers={
            # The same on every attempt: a receiving system may recognise a repeat.
            "Message-ID": f"<{row.token}@{domain}>",
            "Auto-Submitted": "auto-generated",
        },
        connection=conn,
    )


class Outcome:
    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"
    UNKNOWN = "unknown"
    LOST = "lost"  # another run took the row over


def _smtp_send(conn: SmtpBackend, msg: EmailMessage, in_flight: Any) -> tuple[str, str]:
    """One SMTP transaction; `in_flight()` marks the row just before DATA."""
    try:
        conn.open()
        smtp = conn.connection
        encoding = msg.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(msg.from_email, encoding)
        to = sanitize_address(msg.to[0], encoding)
        data = msg.message().as_bytes(linesep="\r\n")
        smtp.ehlo_or_helo_if_needed()
        code, _resp = smtp.mail(sender)
        if code != 250:
            with contextlib.suppress(OSError):
                smtp.rset()
            raise _Stop(f"sender_refused {code}")
        code, _resp = smtp.rcpt(to)
        if code not in (250, 251):
            with contextlib.suppress(OSError):
                smtp.rset()
            return (Outcome.DEAD if code >= 500 else Outcome.RETRY), f"refused {code}"
    except ValueError:
        return Outcome.DEAD, "unbuildable"
    except (OSError, smtplib.SMTPException) as exc:
        with contextlib.suppress(Exception):
            conn.close()
        raise _Stop("unreachable") from exc
    if not in_flight():
        with contextlib.suppress(OSError):
            smtp.rset()
        return Outcome.LOST, ""
    try:
        code, _resp = smtp.data(data)
    except smtplib.SMTPResponseException as exc:  # DATA itself refused: nothing was sent
        with contextlib.suppress(OSError):
            smtp.rset()
        return (Outcome.DEAD if exc.smtp_code >= 500 else Outcome.RETRY), f"refused {exc.smtp_code}"
    except (OSError, smtplib.SMTPException):
        with contextlib.suppress(Exception):
            conn.close()
        return Outcome.UNKNOWN, "connection_lost"
    if code == 250:
        return Outcome.SENT, ""
    with contextlib.suppress(OSError):
        smtp.rset()
    return (Outcome.DEAD if code >= 500 else Outcome.RETRY), f"refused {code}"


def _send(conn: Any, row: Message, identity: str) -> tuple[str, str]:
    def in_flight() -> bool:
        return bool(
            Message.objects.filter(
                pk=row.pk, claimed_by=identity, status=MessageStatus.CLAIMED
            ).update(status=MessageStatus.SENDING, claimed_at=timezone.now())
        )

    try:
        msg = _build(row, conn)
    except Exception:  # an old key, a broken row: never sendable as it is
        return Outcome.DEAD, "unbuildable"
    if isinstance(conn, SmtpBackend):
        return _smtp_send(conn, msg, in_flight)
    if not in_flight():
        return Outcome.LOST, ""
    try:
        conn.send_messages([msg])
    except smtplib.SMTPRecipientsRefused:
        return Outcome.DEAD, "refused 550"
    except Exception:
        return Outcome.RETRY, "backend_error"
    return Outcome.SENT, ""


def _record(row: Message, identity: str, outcome: str, error: str, report: DeliveryReport) -> None:
    now = timezone.now()
    mine = Message.objects.filter(pk=row.pk, claimed_by=identity)
    attempts = row.attempts + 1
    if outcome == Outcome.SENT:
        # Also when another run meanwhile took it for dead ("unknown"): it was sent.
        mine.update(
            status=MessageStatus.SENT,
            sent_at=now,
            attempts=attempts,
            subject="",
            body="",
            claimed_by="",
            last_error="",
            failed_at=None,
        )
        report.sent += 1
        return
    if outcome == Outcome.UNKNOWN:
        mine.update(
            status=MessageStatus.UNKNOWN,
            attempts=attempts,
            claimed_by="",
            last_error=error,
            failed_at=now,
        )
        report.unknown += 1
        return
    dead = outcome == Outcome.DEAD or attempts >= settings.MAIL_MAX_ATTEMPTS
    mine.update(
        status=MessageStatus.DEAD if dead else MessageStatus.QUEUED,
        attempts=attempts,
        claimed_by="",
        claimed_at=None,
        last_error=error[:200],
        next_attempt_at=now + backoff(attempts),
        failed_at=now if dead else None,
    )
    if dead:
        report.dead += 1
    else:
        report.retried += 1


def deliver_due(limit: int = 200) -> DeliveryReport:
    """Send the messages that are due, at most `limit` of them; safe to call at any moment
    from any number of processes (the worker's schedule calls it every few seconds)."""
    report = DeliveryReport()
    now = timezone.now()
    report.requeued, report.unknown = recover(now)
    identity = run_identity()
    due = Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    if ids:
        Message.objects.filter(pk__in=ids, status=MessageStatus.QUEUED).update(
            status=MessageStatus.CLAIMED, claimed_by=identity, claimed_at=now
        )
    rows = list(
        Message.objects.filter(claimed_by=identity, status=MessageStatus.CLAIMED).order_by(
            "next_attempt_at", "pk"
        )
    )
    if not rows:
        report.remaining = due.count()
        return report
    conn = get_connection(fail_silently=False)
    try:
        for row in rows:
            try:
                outcome, error = _send(conn, row, identity)
            except _Stop as stop:
                _record(row, identity, Outcome.RETRY, str(stop), report)
                break
            if outcome != Outcome.LOST:
                _record(row, identity, outcome, error, report)
    finally:
        # What this run claimed and never tried goes back to the queue, untouched.
        Message.objects.filter(claimed_by=identity, status=MessageStatus.CLAIMED).update(
            status=MessageStatus.QUEUED, claimed_by="", claimed_at=None
        )
        with contextlib.suppress(Exception):
            conn.close()
    report.remaining = due.count()
    return report
