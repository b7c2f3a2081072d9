"""Staff's writes on the outbox: send a failed message again, or discard it. Audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.mail.models import Message, MessageStatus
from rekisteri.mail.selectors import FAILED, failed_get
from rekisteri.register.models import record_key


def _locked(scope: Scope, message_id: int) -> Message:
    failed_get(scope=scope, message_id=message_id)  # 404 outside the scope
    return Message.objects.select_for_update().get(pk=message_id, status__in=FAILED)


def message_retry(*, scope: Scope, actor: Actor, message_id: int) -> Message:
    """Queue a failed message again, with a fresh count of attempts."""
    purpose = work_purpose(scope, Cap.MANAGE_MAIL_OUTBOX)
    with transaction.atomic():
        row = _locked(scope, message_id)
        before = row.status
        row.status = MessageStatus.QUEUED
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.failed_at = None
        row.last_error = ""
        row.claimed_by = ""
        row.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "failed_at",
                "last_error",
                "claimed_by",
            ]
        )
        audit_record(
            actor=actor,
            action=AuditAction.ADMIN,
            person_id=row.person_id,
            record=record_key(row),
            purpose=purpose,
            reason="failed message queued again",
            detail={"kind": row.kind, "was": before},
        )
    return row


def message_discard(*, scope: Scope, actor: Actor, message_id: int) -> None:
    """Delete a failed message: it will not be sent."""
    purpose = work_purpose(scope, Cap.MANAGE_MAIL_OUTBOX)
    with transaction.atomic():
        row = _locked(scope, message_id)
        audit_record(
            actor=actor,
            action=AuditAction.ADMIN,
            person_id=row.person_id,
            record=record_key(row),
            purpose=purpose,
            reason="failed message discarded",
            detail={"kind": row.kind, "was": row.status},
        )
        row.delete()
