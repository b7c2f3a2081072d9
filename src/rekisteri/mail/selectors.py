"""Reads of the outbox for staff: the failed messages of the user's group companies."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import capability_refusal
from rekisteri.access.selectors import Scope
from rekisteri.mail.models import Message, MessageStatus

FAILED = (MessageStatus.DEAD, MessageStatus.UNKNOWN)


def _visible(scope: Scope) -> QuerySet[Message]:
    if not scope.can(Cap.MANAGE_MAIL_OUTBOX):
        raise capability_refusal(Cap.MANAGE_MAIL_OUTBOX)
    return Message.objects.filter(
        Q(controller_id__in=scope.controller_ids) | Q(controller__isnull=True)
    )


def failed_list(*, scope: Scope, limit: int = 500) -> list[Message]:
    """Messages that failed permanently or may have been sent, newest failure first."""
    return list(
        _visible(scope)
        .filter(status__in=FAILED)
        .order_by("-failed_at", "-pk")
        .only(
            "pk",
            "kind",
            "to_address",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "failed_at",
            "reference",
        )[:limit]
    )


def failed_get(*, scope: Scope, message_id: int) -> Message:
    """A failed message of the user's group companies (else 404, as if it did not exist)."""
    row = _visible(scope).filter(pk=message_id, status__in=FAILED).first()
    if row is None:
        raise Http404("no such message")
    return row


def outbox_counts(*, scope: Scope) -> dict[str, int]:
    rows = _visible(scope).values_list("status").annotate(n=Count("pk")).order_by()
    return {status: n for status, n in rows}


def masked(address: str) -> str:
    """a…@example.fi: enough to tell messages apart, not to read the address."""
    local, _sep, domain = (address or "").partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"
