"""Django's `flush`, with the audit trail's append-only triggers lifted while it runs.

Emptying every table removes the chain and its head together, which leaves a consistent
(empty) trail; the triggers exist to stop single events from being changed or removed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from rekisteri.audit.guard import audit_guard_lifted


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with audit_guard_lifted(options["database"]):
            super().handle(**options)
