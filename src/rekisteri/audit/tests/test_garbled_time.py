"""`rekisteri audit verify` names an event whose time was garbled in the database as a broken
event (issue 14 item 9), instead of crashing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rekisteri.audit.guard import audit_guard_lifted
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record

pytestmark = pytest.mark.django_db


def test_an_event_with_a_garbled_time_is_named_as_changed() -> None:
    events = [
        audit_record(actor=Actor("sales"), action=AuditAction.VIEW, person_id=100 + n)
        for n in range(3)
    ]
    # SQLite keeps whatever text it is given; PostgreSQL only another valid time.
    garbled = "garbled" if connection.vendor == "sqlite" else "1970-01-01 00:00:00+00"
    with audit_guard_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET at = %s WHERE id = %s", [garbled, events[1].id])
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify")
    message = str(failed.value)
    assert "event 2" in message and "changed" in message
