"""The audit trail: a keyed hash chain that names the first changed, removed or inserted
event, append-only in the application and in the database."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from rekisteri.audit.guard import audit_guard_lifted
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.selectors import audit_chain_verify, audit_unseal
from rekisteri.audit.services import Actor, audit_key_destroy, audit_record
from rekisteri.register.services import person_update

pytestmark = pytest.mark.django_db


def five_events() -> list[AuditEvent]:
    return [
        audit_record(actor=Actor("sales"), action=AuditAction.VIEW, person_id=100 + n)
        for n in range(5)
    ]


def verify_error() -> str:
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify")
    return str(failed.value)


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_untouched_chain_verifies(capsys):
    five_events()
    call_command("audit", "verify")
    assert "audit trail intact: 5 events" in capsys.readouterr().out


def test_a_raw_sql_change_to_one_event_is_named():
    events = five_events()
    with audit_guard_lifted():
        raw("UPDATE audit_auditevent SET actor = %s WHERE id = %s", ["dpo", events[2].id])
    message = verify_error()
    assert "event 3" in message and "changed" in message
    assert audit_chain_verify()[0] == 2


def test_a_removed_middle_event_is_named():
    events = five_events()
    with audit_guard_lifted():
        raw("DELETE FROM audit_auditsubject WHERE event_id = %s", [events[1].id])
        raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    message = verify_error()
    assert "event 2" in message and "removed" in message


def test_a_removed_last_event_is_named():
    events = five_events()
    with audit_guard_lifted():
        raw("DELETE FROM audit_auditsubject WHERE event_id = %s", [events[-1].id])
        raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    message = verify_error()
    assert "event 5" in message and "removed" in message


def _forge(seq: int, prev_hash: str) -> None:
    import hashlib

    raw(
        "INSERT INTO audit_auditevent (seq, at, actor, action, person_id, person_ids, record,"
        " categories, fields, purpose, reason, ip, detail, sealed, prev_hash, hash)"
        " VALUES (%s, CURRENT_TIMESTAMP, 'intruder', 'view', 7, '[]', '', '[]', '[]', '', '',"
        " NULL, '{}', '', %s, %s)",
        [seq, prev_hash, hashlib.sha256(b"forged").hexdigest()],
    )


def test_a_forged_event_appended_after_the_last_is_named():
    events = five_events()
    _forge(6, events[-1].hash)  # INSERT needs no lifting: the guard refuses changes only
    message = verify_error()
    assert "event 6" in message and "inserted" in message


def test_a_forged_event_put_in_place_of_a_removed_one_is_named():
    events = five_events()
    with audit_guard_lifted():
        raw("DELETE FROM audit_auditsubject WHERE event_id = %s", [events[2].id])
        raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].id])
    # The forger copies the right predecessor hash but cannot compute the keyed hash.
    _forge(3, events[1].hash)
    message = verify_error()
    assert "event 3" in message and "changed" in message


def test_the_database_refuses_to_change_or_delete_an_event():
    event = five_events()[0]
    for sql in (
        "UPDATE audit_auditevent SET actor = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
        "DELETE FROM audit_auditsubject WHERE event_id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql, [event.id])
    assert audit_chain_verify() == (5, None)


def test_the_application_has_no_update_or_delete_path():
    event = five_events()[0]
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_an_update_keeps_before_and_after_sealed_until_erasure(actor, make_person, staff):
    from rekisteri.access.selectors import scope_for

    person = make_person(first_name="Aino", last_name="Virtanen")
    person_update(
        actor=Actor("sales", ip="192.0.2.7"),
        person=person,
        data={"last_name": "Korhonen"},
        scope=scope_for(staff["sales"]),
        purpose="customer_management",
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, person_id=person.pk)
    row = str(AuditEvent.objects.filter(pk=event.pk).values().get())
    assert "Virtanen" not in row and "Korhonen" not in row
    assert (event.actor, event.ip, event.purpose) == ("sales", "192.0.2.7", "customer_management")
    assert event.fields == ["last_name"] and event.categories == ["basic"]
    assert audit_unseal(event) == {"last_name": {"before": "Virtanen", "after": "Korhonen"}}
    audit_key_destroy(person_id=person.pk, controller_id=person.controller_id)
    assert audit_unseal(event) is None
    assert audit_chain_verify()[1] is None  # crypto-shredding leaves the chain whole


@pytest.mark.django_db(transaction=True)
def test_tests_that_commit_can_still_empty_the_database(catalogue):
    # Django's test runner flushes after transactional tests: the guard is lifted for
    # `flush` by test code (rekisteri.testing.audit), and back afterwards.
    five_events()
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    event = five_events()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [event.id])
