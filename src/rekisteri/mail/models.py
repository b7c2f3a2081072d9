"""The mail outbox: one row per outgoing message, written in the transaction of the business
write that causes it (docs/mail.md).

A row holds personal data (the recipient's address; subject and body, encrypted at rest with
the field key because they hold one-time links) and is mapped in the field map like any
other: erasure deletes it, the access package lists it. The body is wiped as soon as the
message is sent; the sent row itself goes after REKISTERI_MAIL_KEEP_DAYS.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from rekisteri.common.personal import PersonalData, personal
from rekisteri.register.models import Controller, Person


def new_token() -> str:
    return uuid.uuid4().hex


class MessageKind(models.TextChoices):
    RIGHTS_NOTICE = "rights_notice", _("message about a data subject request")
    SUBSCRIPTION = "subscription", _("subscription confirmation")
    DEADLINE_REMINDER = "deadline_reminder", _("request deadline reminder")
    OTHER = "other", _("other message")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    #: claimed by a sender run; not yet handed to the mail server
    CLAIMED = "claimed", _("being sent")
    #: being handed to the mail server (SMTP DATA): a sender killed now leaves it `unknown`
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    DEAD = "dead", _("failed permanently")
    UNKNOWN = "unknown", _("may have been sent")


class Message(PersonalData, models.Model):
    subject_path = "person"
    non_personal_fields = (
        "id",
        "token",
        "controller",
        "person",
        "kind",
        "reference",
        "from_email",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_by",
        "claimed_at",
        "last_error",
        "created_at",
        "sent_at",
        "failed_at",
        "day_key",
    )

    #: stable per message: its Message-ID, the same on every attempt
    token = models.CharField(max_length=32, unique=True, default=new_token)
    #: the group company whose mail it is (its DPO sees it when it fails); none: mail to a
    #: requester whose request names no person of any company (any more)
    controller = models.ForeignKey(
        Controller, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: the person the message is about or to, when known (erasure deletes by it)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=MessageKind.choices)
    #: the record the message is about ("rights.RightsRequest:12"), no personal data
    reference = models.CharField(max_length=100, blank=True)
    from_email = models.CharField(max_length=320)
    to_address = personal(models.CharField(max_length=320), "contact")
    #: keyed hash of the address: erasure finds every message to it, also ones no row links
    #: to the person (and the file outbox's files, named by it)
    recipient_hash = personal(models.CharField(max_length=64, db_index=True), "contact")
    subject = personal(models.TextField(blank=True), "communications")
    body = personal(models.TextField(blank=True), "communications")
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: what went wrong, in words without personal data (an SMTP code, an error class)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    #: idempotency key of a once-a-day message (a deadline reminder): unique when set
    day_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]

    def __str__(self) -> str:
        return f"message {self.pk} ({self.kind}, {self.status})"
