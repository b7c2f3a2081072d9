"""Tests' view of sent mail: messages are queued in the outbox; `delivered()` sends what is
due (as the worker would) and returns Django's test outbox."""

from __future__ import annotations

from typing import Any

from django.core import mail

from rekisteri.mail.delivery import deliver_due


def delivered() -> list[Any]:
    deliver_due()
    return mail.outbox
