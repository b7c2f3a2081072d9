"""Emptying the database between tests, past the audit trail's append-only triggers.

Django's test runner empties every table with `flush` after each transactional test; the
triggers (audit.guard) refuse the deletes. Only tests may lift them: the product ships no
command that empties the audit trail, so this lives in test code and wraps Django's own
`flush` for the test session.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_the_audit_guard() -> Iterator[None]:
    from django.core.management.commands import flush

    from rekisteri.audit.guard import audit_guard_lifted

    original = flush.Command.handle

    def handle(self: Any, **options: Any) -> Any:
        with audit_guard_lifted(options["database"]):
            return original(self, **options)

    flush.Command.handle = handle  # type: ignore[method-assign]
    yield
    flush.Command.handle = original  # type: ignore[method-assign]
