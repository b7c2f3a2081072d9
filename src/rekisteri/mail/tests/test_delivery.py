"""The outbox against a real SMTP peer: sent once, retried, dead-lettered, recovered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from rekisteri.mail.delivery import deliver_due
from rekisteri.mail.models import Message, MessageKind, MessageStatus
from rekisteri.mail.outbox import OutboxError, content_of, enqueue
from rekisteri.testing.smtp import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(controller, to="anna@asiakas.fi", **kw):
    with transaction.atomic():
        return enqueue(
            controller_id=controller.pk,
            to=to,
            subject=kw.pop("subject", "Pyyntönne on vastaanotettu"),
            body=kw.pop("body", "Seuraa pyyntöäsi: https://rekisteri.example/rights/status/x/"),
            kind=MessageKind.RIGHTS_NOTICE,
            **kw,
        )


def _due_now():
    Message.objects.update(next_attempt_at=timezone.now())


def test_a_queued_message_reaches_the_peer_once_and_its_body_is_wiped(smtp, fi_controller):
    row = _queue(fi_controller)
    report = deliver_due()
    assert report.sent == 1
    assert smtp.recipients() == ["anna@asiakas.fi"]
    msg = smtp.messages[0]
    assert msg["Subject"] == "Pyyntönne on vastaanotettu"
    assert "rights/status/x/" in msg.get_content()
    assert msg["Message-ID"] == f"<{row.token}@localhost>"
    row.refresh_from_db()
    assert row.status == MessageStatus.SENT and row.sent_at and row.attempts == 1
    assert content_of(row) == ("", ""), "the one-time links are gone once sent"
    assert deliver_due().sent == 0
    assert len(smtp.messages) == 1


def test_the_body_is_not_stored_in_clear(fi_controller):
    row = _queue(fi_controller, body="linkki https://rekisteri.example/rights/verify/SECRET/")
    stored = Message.objects.values_list("body", flat=True).get(pk=row.pk)
    assert "SECRET" not in stored
    assert "SECRET" in content_of(row)[1]


def test_no_message_without_the_write_that_caused_it(fi_controller):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(
            controller_id=fi_controller.pk,
            to="anna@asiakas.fi",
            subject="s",
            body="b",
            kind=MessageKind.OTHER,
        )
        raise RuntimeError("the business write failed")
    assert not Message.objects.exists()


def test_enqueue_refuses_a_header_injection_and_runs_only_in_a_transaction(fi_controller):
    with pytest.raises(OutboxError, match="^to:"):
        _queue(fi_controller, to="anna@asiakas.fi\r\nBcc: evil@example.com")
    with pytest.raises(RuntimeError, match="transaction"):
        enqueue(controller_id=fi_controller.pk, to="a@b.fi", subject="", body="", kind="other")
    row = _queue(fi_controller, subject="Hei\r\nBcc: evil@example.com")
    assert "\n" not in content_of(row)[0]


def test_a_temporary_refusal_is_retried_with_backoff_and_then_dead_lettered(
    smtp, fi_controller, settings
):
    settings.MAIL_MAX_ATTEMPTS = 3
    smtp.rcpt_answer = "451 4.7.1 try again later"
    row = _queue(fi_controller)
    before = timezone.now()
    report = deliver_due()
    row.refresh_from_db()
    assert report.retried == 1 and row.status == MessageStatus.QUEUED and row.attempts == 1
    assert row.next_attempt_at >= before + timedelta(seconds=settings.MAIL_RETRY_SECONDS)
    assert deliver_due().retried == 0, "not due again before its backoff"
    first_wait = row.next_attempt_at - before
    _due_now()
    deliver_due()
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at - timezone.now() > first_wait
    _due_now()
    report = deliver_due()
    row.refresh_from_db()
    assert report.dead == 1 and row.status == MessageStatus.DEAD and row.attempts == 3
    assert row.last_error == "refused 451" and row.failed_at
    assert smtp.messages == []
    # The server takes it now; a dead letter waits for a person's decision.
    smtp.rcpt_answer = "250 OK"
    _due_now()
    assert deliver_due().sent == 0


def test_a_permanent_refusal_is_dead_at_once(smtp, fi_controller):
    smtp.rcpt_answer = "550 5.1.1 no such user"
    row = _queue(fi_controller)
    assert deliver_due().dead == 1
    row.refresh_from_db()
    assert row.status == MessageStatus.DEAD and row.attempts == 1
    assert "asiakas" not in row.last_error, "the error names no address"


def test_an_unreachable_server_costs_one_attempt_and_the_rest_wait(fi_controller, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    first, second = _queue(fi_controller), _queue(fi_controller, to="ben@customer.example")
    report = deliver_due()
    assert report.retried == 1 and report.sent == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == MessageStatus.QUEUED and first.last_error == "unreachable"
    assert second.status == MessageStatus.QUEUED and second.attempts == 0
    assert not second.claimed_by


def test_what_a_dead_run_left_is_settled_never_sent_twice(smtp, fi_controller):
    # On this host, with a process that no longer exists: recognised at once.
    from rekisteri.common.process import _host

    dead_run = f"{_host()}|{2**22 + 12345}|1|deadbeef"
    claimed = _queue(fi_controller, to="never-tried@asiakas.fi")
    in_flight = _queue(fi_controller, to="maybe-sent@asiakas.fi")
    now = timezone.now()
    Message.objects.filter(pk=claimed.pk).update(
        status=MessageStatus.CLAIMED, claimed_by=dead_run, claimed_at=now
    )
    Message.objects.filter(pk=in_flight.pk).update(
        status=MessageStatus.SENDING, claimed_by=dead_run, claimed_at=now
    )
    report = deliver_due()
    assert report.requeued == 1 and report.unknown == 1 and report.sent == 1
    assert smtp.recipients() == ["never-tried@asiakas.fi"]
    in_flight.refresh_from_db()
    assert in_flight.status == MessageStatus.UNKNOWN and in_flight.last_error == "interrupted"


def test_a_live_runs_claim_is_left_alone_until_its_lease_ends(smtp, fi_controller):
    import os

    from rekisteri.common.process import _host, _process_started

    parent = os.getppid()
    live_run = f"{_host()}|{parent}|{_process_started(parent) or ''}|cafebabe"
    row = _queue(fi_controller)
    Message.objects.filter(pk=row.pk).update(
        status=MessageStatus.CLAIMED, claimed_by=live_run, claimed_at=timezone.now()
    )
    assert deliver_due().sent == 0 and smtp.messages == []
    Message.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert deliver_due().sent == 1
