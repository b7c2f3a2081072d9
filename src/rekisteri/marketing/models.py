"""Mailing lists, subscriptions, segments, campaigns, their recipients, tracking and bounces.

Sending design (see sending.py): a campaign's audience is computed once in SQL and
written as one `CampaignRecipient` row per person. Senders claim rows with a conditional
UPDATE (queued -> claimed), send them over one SMTP connection and record each outcome as
the peer answers; a restart never resends a row that is `sent`. Of the rows a killed run
left `claimed`, the one it may have been sending is set to `unknown` (never resent) and the
rest go back to the queue: nobody gets the same message twice, nobody is left out.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rekisteri.common.models import TimeStamped
from rekisteri.common.personal import PersonalData, personal


class OptIn(models.TextChoices):
    SINGLE = "single", _("single opt-in")
    DOUBLE = "double", _("double opt-in (confirmation link)")


class MailingList(TimeStamped):
    controller = models.ForeignKey(
        "register.Controller", on_delete=models.PROTECT, related_name="mailing_lists"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opt_in = models.CharField(
        _("opt-in"), max_length=8, choices=OptIn.choices, default=OptIn.DOUBLE
    )
    # The text a person agrees to when subscribing; its version goes into the proof.
    consent_text = models.TextField(_("consent text"), blank=True)
    consent_text_version = models.CharField(_("consent text version"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["controller", "name"], name="list_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    SUBSCRIBED = "subscribed", _("subscribed")
    UNSUBSCRIBED = "unsubscribed", _("unsubscribed")


class Subscription(PersonalData, TimeStamped):
    subject_path = "person"
    non_personal_fields = ("id", "mailing_list", "person", "token", "created_at", "updated_at")

    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.CASCADE, related_name="subscriptions"
    )
    person = models.ForeignKey(
        "register.Person", on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = personal(
        models.CharField(max_length=12, choices=SubscriptionStatus.choices),
        "marketing_preferences",
    )
    # Opaque confirmation token of a double opt-in.
    token = models.CharField(max_length=43, unique=True)
    confirmed_at = personal(models.DateTimeField(null=True, blank=True), "marketing_preferences")
    unsubscribed_at = personal(models.DateTimeField(null=True, blank=True), "marketing_preferences")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing_list", "person"], name="one_subscription")
        ]
        indexes = [models.Index(fields=["mailing_list", "status"])]


class Segment(TimeStamped):
    """A saved rule-based segment: every rule must hold (see segments.py for the rules)."""

    controller = models.ForeignKey(
        "register.Controller", on_delete=models.PROTECT, related_name="segments"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # [{"rule": "industry", "value": "construction"}, ...]
    rules = models.JSONField(default=list)
    computed_at = models.DateTimeField(null=True, blank=True)
    member_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["controller", "name"], name="segment_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SegmentMember(PersonalData, models.Model):
    """A person in a segment, with the rules and data categories that put them there."""

    subject_path = "person"
    non_personal_fields = ("id", "segment", "person")

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "register.Person", on_delete=models.CASCADE, related_name="segment_memberships"
    )
    rules = personal(models.JSONField(default=list), "profile_segments")
    categories = personal(models.JSONField(default=list), "profile_segments")
    computed_at = personal(models.DateTimeField(), "profile_segments")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "person"], name="one_segment_member")
        ]
        indexes = [models.Index(fields=["person"])]


class CampaignPurpose(models.TextChoices):
    MARKETING = "marketing", _("marketing")  # catalogue-free: a campaign kind
    # A contract, price or service notice: reaches people who refused marketing; never tracked.
    SERVICE = "service", _("service message")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    QUEUED = "queued", _("queued for sending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")


class Campaign(TimeStamped):
    controller = models.ForeignKey(
        "register.Controller", on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(
        _("purpose"),
        max_length=12,
        choices=CampaignPurpose.choices,
        default=CampaignPurpose.MARKETING,
    )
    lists = models.ManyToManyField(MailingList, blank=True, related_name="campaigns")
    segments = models.ManyToManyField(Segment, blank=True, related_name="campaigns")
    subject_fi = models.CharField(_("subject (Finnish)"), max_length=200, blank=True)
    subject_sv = models.CharField(_("subject (Swedish)"), max_length=200, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_fi = models.TextField(_("message (Finnish)"), blank=True)
    body_sv = models.TextField(_("message (Swedish)"), blank=True)
    body_en = models.TextField(_("message (English)"), blank=True)
    rate = models.PositiveIntegerField(_("messages per second (0: no limit)"), default=50)
    status = models.CharField(
        max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    # Exclusions by reason, frozen when the recipients were written.
    excluded = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    created_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The run that holds the campaign and when it last showed it is alive.
    worker = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_service(self) -> bool:
        return self.purpose == CampaignPurpose.SERVICE

    def subject_for(self, lang: str) -> str:
        return getattr(self, f"subject_{lang}", "") or self.subject_fi or self.subject_en

    def body_for(self, lang: str) -> str:
        return getattr(self, f"body_{lang}", "") or self.body_fi or self.body_en


class RecipientStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    CLAIMED = "claimed", _("being sent")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("skipped at sending")
    FAILED = "failed", _("failed")
    UNKNOWN = "unknown", _("unknown after a crash (not resent)")


class CampaignRecipient(PersonalData, models.Model):
    """One message of a campaign to one person: the send log and the unsubscribe token."""

    subject_path = "person"
    non_personal_fields = ("id", "campaign", "person", "token", "claimed_by", "status")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(
        "register.Person", on_delete=models.CASCADE, related_name="campaign_messages"
    )
    email = personal(models.CharField(max_length=320), "marketing_tracking")
    language = personal(models.CharField(max_length=2, default="fi"), "marketing_tracking")
    token = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=8, choices=RecipientStatus.choices, default=RecipientStatus.QUEUED
    )
    claimed_by = models.CharField(max_length=64, blank=True)
    # Frozen at preparation: may this message be tracked at all?
    tracked = personal(models.BooleanField(default=False), "marketing_tracking")
    sent_at = personal(models.DateTimeField(null=True, blank=True), "marketing_tracking")
    skip_reason = personal(models.CharField(max_length=20, blank=True), "marketing_tracking")

    class Meta:
        indexes = [models.Index(fields=["campaign", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="one_message_per_person")
        ]


class TrackingKind(models.TextChoices):
    OPEN = "open", _("opened")
    CLICK = "click", _("clicked a link")


class TrackingEvent(PersonalData, models.Model):
    """An open or a click. Retention: catalogue category marketing_tracking."""

    subject_path = "recipient__person"
    non_personal_fields = ("id", "recipient")

    recipient = models.ForeignKey(
        CampaignRecipient,
        on_delete=models.CASCADE,
        related_name="events",  # catalogue-free: a reverse relation
    )
    kind = personal(
        models.CharField(max_length=8, choices=TrackingKind.choices), "marketing_tracking"
    )
    url = personal(models.URLField(max_length=1000, blank=True), "marketing_tracking")
    at = personal(models.DateTimeField(db_index=True), "marketing_tracking")


class BounceKind(models.TextChoices):
    HARD = "hard", _("hard bounce (permanent)")
    SOFT = "soft", _("soft bounce (temporary)")


class Bounce(PersonalData, models.Model):
    """A delivery status notification about one of our messages."""

    subject_path = "person"
    non_personal_fields = ("id", "person", "recipient", "received_at", "source")

    person = models.ForeignKey(
        "register.Person", null=True, on_delete=models.CASCADE, related_name="bounces"
    )
    recipient = models.ForeignKey(
        CampaignRecipient, null=True, on_delete=models.SET_NULL, related_name="bounces"
    )
    kind = personal(models.CharField(max_length=4, choices=BounceKind.choices), "contact")
    status = personal(models.CharField(max_length=12, blank=True), "contact")
    diagnostic = personal(models.CharField(max_length=500, blank=True), "contact")
    received_at = models.DateTimeField()
    source = models.CharField(max_length=20, help_text="mailbox or webhook")


class Interest(PersonalData, models.Model):
    """A product interest the person told us (preference centre, form) or staff recorded."""

    subject_path = "person"
    non_personal_fields = ("id", "person")

    person = models.ForeignKey(
        "register.Person", on_delete=models.CASCADE, related_name="interests"
    )
    topic = personal(models.CharField(_("topic"), max_length=100), "marketing_preferences")
    source = personal(models.CharField(max_length=20, blank=True), "marketing_preferences")
    at = personal(models.DateTimeField(), "marketing_preferences")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "topic"], name="one_interest_per_topic")
        ]
        indexes = [models.Index(fields=["topic"])]
