"""The staff page of messages not sent: what failed, never what it said; retry and discard."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.audit.models import AuditEvent
from rekisteri.mail.models import Message, MessageKind, MessageStatus
from rekisteri.mail.outbox import enqueue

pytestmark = pytest.mark.django_db


def _failed(controller, to="liisa.virtanen@asiakas.fi"):
    row = enqueue(
        controller_id=controller.pk,
        to=to,
        subject="Salainen aihe",
        body="Salainen linkki https://rekisteri.example/rights/verify/SECRET/",
        kind=MessageKind.RIGHTS_NOTICE,
    )
    Message.objects.filter(pk=row.pk).update(
        status=MessageStatus.DEAD, attempts=8, last_error="refused 550", failed_at=timezone.now()
    )
    return row


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, verified=True)
    return client


def test_the_dpo_sees_what_failed_masked_and_never_its_content(staff, fi_controller, se_controller):
    _failed(fi_controller)
    _failed(se_controller, to="sven@kund.se")
    page = _client(staff["dpo"]).get(reverse("mail:failed")).content.decode()
    assert "l…@asiakas.fi" in page
    assert "liisa.virtanen" not in page and "SECRET" not in page and "Salainen" not in page
    assert "The mail server refused the message (550)" in page
    assert "message about a data subject request" in page
    assert "sven" not in page and "kund.se" not in page, "another company's mail is not listed"


def test_retry_queues_it_again_and_discard_deletes_it_both_audited(staff, fi_controller):
    again, gone = _failed(fi_controller), _failed(fi_controller)
    client = _client(staff["dpo"])
    client.post(reverse("mail:retry", args=[again.pk]))
    again.refresh_from_db()
    assert again.status == MessageStatus.QUEUED and again.attempts == 0
    client.post(reverse("mail:discard", args=[gone.pk]))
    assert not Message.objects.filter(pk=gone.pk).exists()
    reasons = set(AuditEvent.objects.values_list("reason", flat=True))
    assert {"failed message queued again", "failed message discarded"} <= reasons


def test_another_companys_message_cannot_be_retried(staff, se_controller):
    theirs = _failed(se_controller)
    response = _client(staff["dpo"]).post(reverse("mail:retry", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == MessageStatus.DEAD
