"""Outbox routes in the permission matrix (see rekisteri.testing.matrix)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from rekisteri.testing.matrix import OTHER, OWN, Case, World


def _failed(w: World, owner: str) -> dict[str, Any]:
    def make() -> int:
        from rekisteri.mail.models import Message, MessageKind, MessageStatus

        now = timezone.now()
        return Message.objects.create(
            controller=w.controller(owner),
            person=w.person(owner),
            kind=MessageKind.RIGHTS_NOTICE,
            from_email="rekisteri@example.fi",
            to_address="matrix@example.fi",
            recipient_hash="0" * 64,
            status=MessageStatus.DEAD,
            attempts=8,
            last_error="refused 550",
            next_attempt_at=now,
            created_at=now,
            failed_at=now,
        ).pk

    return {"message_id": w.once(f"failed-message-{owner}", make)}


CASES = {
    "mail:failed": Case(),
    # A message belongs to its group company: another company's is 404 to everyone.
    "mail:retry": Case(kwargs=_failed, method="POST", owners=(OWN, OTHER)),
    "mail:discard": Case(kwargs=_failed, method="POST", owners=(OWN, OTHER)),
}
