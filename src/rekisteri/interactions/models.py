"""Interactions: everything that happens between a group company and the people it knows.

One model per kind of record whose data category (and so retention rule) differs: a chat
transcript is kept 3 months and a call recording 7, so they are not rows of the generic
Communication. Every personal field names its category (common.personal); the retention
engine reads, per model:

- `retention_category`: the category of the row (all its personal fields share it), which
  selects the catalogue's retention rule;
- `retention_dates`: anchor code -> the field that dates that anchor on this model (a
  `created` anchor is when the thing happened, not when the row was typed in);
- rows of a CASCADE child model (ticket events, payments, logins) go with their parent.

Business documents that the accounting acts make us keep (agreements, invoices) point at
the person with SET_NULL and carry the names the law needs as snapshots, so erasure of the
person detaches them instead of deleting them. Files live under settings.FILES_DIR with a
sha256 checksum (StoredFile); the database holds only their path.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rekisteri.common.personal import PersonalData, personal
from rekisteri.register.models import Controller, Organization, Person

# --- files -------------------------------------------------------------------------------


class StoredFile(models.Model):
    """A file under settings.FILES_DIR. Not personal data by itself: the row that references
    it says whose it is and which category. Removed from disk only after no row refers to it
    (interactions.files.orphan_files_remove)."""

    path = models.CharField(max_length=255, unique=True, help_text="relative to FILES_DIR")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.path


# --- the common shape --------------------------------------------------------------------


class Interaction(PersonalData, models.Model):
    """Fields every interaction row has. `occurred_at` is the `created` retention anchor."""

    subject_path = "person"
    retention_category: ClassVar[str] = ""
    retention_dates: ClassVar[dict[str, str]] = {"created": "occurred_at"}
    base_non_personal: ClassVar[tuple[str, ...]] = (
        "id",
        "controller",
        "organization",
        "person",
        "occurred_at",
        "recorded_at",
        "recorded_by",
        "anonymised_at",
    )

    # Few indexes on purpose: every index is rewritten for each row the retention sweep
    # deletes. The person's and organisation's timelines and the anchors need these.
    controller = models.ForeignKey(
        Controller, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=150, blank=True)
    # Set when the retention sweep anonymised the row (personal fields blanked, detached).
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-occurred_at", "-id"]


# --- correspondence ----------------------------------------------------------------------


class CommunicationKind(models.TextChoices):
    EMAIL_IN = "email_in", _("email received")
    EMAIL_OUT = "email_out", _("email sent")
    LETTER_IN = "letter_in", _("letter received")
    LETTER_OUT = "letter_out", _("letter sent")
    MEETING = "meeting", _("meeting")
    SOCIAL = "social", _("social media message")
    FEEDBACK = "feedback", _("feedback")
    NOTE = "note", _("note")


class Communication(Interaction):
    retention_category = "communications"
    non_personal_fields = (*Interaction.base_non_personal, "channel")

    channel = models.CharField(_("channel"), max_length=16, choices=CommunicationKind.choices)
    subject = personal(models.CharField(_("subject"), max_length=255, blank=True), "communications")
    body = personal(models.TextField(_("content"), blank=True), "communications")
    counterpart = personal(
        models.CharField(
            _("address or handle"),
            max_length=320,
            blank=True,
            help_text=_("email address, postal address, social media handle or meeting place"),
        ),
        "communications",
    )
    attachment = personal(
        models.ForeignKey(
            StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
        ),
        "communications",
    )


class ChatTranscript(Interaction):
    retention_category = "chat_transcripts"
    non_personal_fields = (*Interaction.base_non_personal, "agent")

    agent = models.CharField(_("agent"), max_length=150, blank=True)
    transcript = personal(models.TextField(_("transcript")), "chat_transcripts")


class CallDirection(models.TextChoices):
    INBOUND = "in", _("inbound")
    OUTBOUND = "out", _("outbound")


class CallRecording(Interaction):
    retention_category = "call_recordings"
    non_personal_fields = (*Interaction.base_non_personal, "direction", "agent")

    direction = models.CharField(
        _("direction"), max_length=3, choices=CallDirection.choices, default=CallDirection.INBOUND
    )
    agent = models.CharField(_("agent"), max_length=150, blank=True)
    phone_number = personal(
        models.CharField(_("phone number"), max_length=40, blank=True), "call_recordings"
    )
    duration_seconds = personal(
        models.PositiveIntegerField(_("duration (s)"), null=True, blank=True), "call_recordings"
    )
    summary = personal(models.TextField(_("summary"), blank=True), "call_recordings")
    audio = personal(
        models.ForeignKey(
            StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
        ),
        "call_recordings",
    )


# --- service requests --------------------------------------------------------------------


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", _("closed")


class ServiceRequest(Interaction):
    retention_category = "service_requests"
    retention_dates = {"created": "occurred_at", "request_closed": "closed_at"}
    non_personal_fields = (*Interaction.base_non_personal, "reference", "status", "closed_at")

    reference = models.CharField(_("reference"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    subject = personal(
        models.CharField(_("subject"), max_length=255, blank=True), "service_requests"
    )
    description = personal(models.TextField(_("description"), blank=True), "service_requests")


class RequestEventKind(models.TextChoices):
    COMMENT = "comment", _("comment")
    STATUS = "status", _("status change")
    ASSIGNED = "assigned", _("assigned")
    REPLY = "reply", _("reply to the customer")


class ServiceRequestEvent(PersonalData, models.Model):
    """A step in the handling of a ticket; goes with its ticket."""

    subject_path = "request__person"
    non_personal_fields = ("id", "request", "at", "kind", "handled_by", "anonymised_at")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, choices=RequestEventKind.choices)
    handled_by = models.CharField(max_length=150, blank=True)
    note = personal(models.TextField(blank=True), "service_requests")
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]


# --- events ------------------------------------------------------------------------------


class Event(models.Model):
    """A seminar, webinar or fair: not personal data; its registrations are."""

    controller = models.ForeignKey(Controller, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=255)
    starts_at = models.DateTimeField(_("starts"))
    location = models.CharField(_("location"), max_length=255, blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    CANCELLED = "cancelled", _("cancelled")


class EventRegistration(Interaction):
    retention_category = "events"
    non_personal_fields = (*Interaction.base_non_personal, "event", "status")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(
        max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    attended = personal(models.BooleanField(_("attended"), null=True, blank=True), "events")
    notes = personal(models.CharField(_("notes"), max_length=500, blank=True), "events")


# --- business documents ------------------------------------------------------------------


class AgreementKind(models.TextChoices):
    ORDER = "order", _("order")
    CONTRACT = "contract", _("contract")


class Agreement(Interaction):
    """An order or a contract. Kept with the relationship; anonymised for statistics after."""

    retention_category = "customer_relationship"
    retention_dates = {"created": "occurred_at"}
    non_personal_fields = (
        *Interaction.base_non_personal,
        "kind",
        "number",
        "amount",
        "currency",
        "valid_until",
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    number = models.CharField(_("number"), max_length=40, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    description = personal(
        models.CharField(_("description"), max_length=500, blank=True), "customer_relationship"
    )
    # Snapshot of who signed or ordered, kept if the person is erased (the document is not).
    contact_name = personal(
        models.CharField(_("contact person"), max_length=201, blank=True), "customer_relationship"
    )


class Invoice(Interaction):
    """Kept ten calendar years after the end of the billing year (accounting acts)."""

    retention_category = "billing"
    retention_dates = {"created": "occurred_at", "billing_year_end": "billing_year"}
    non_personal_fields = (
        *Interaction.base_non_personal,
        "agreement",
        "number",
        "due_on",
        "billing_year",
        "amount",
        "currency",
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    number = models.CharField(_("number"), max_length=40)
    due_on = models.DateField(_("due"), null=True, blank=True)
    billing_year = models.PositiveSmallIntegerField(_("billing year"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    recipient_name = personal(
        models.CharField(_("recipient"), max_length=201, blank=True), "billing"
    )
    reference = personal(models.CharField(_("reference"), max_length=255, blank=True), "billing")


class Payment(PersonalData, models.Model):
    """A payment of an invoice; goes with its invoice."""

    subject_path = "invoice__person"
    non_personal_fields = ("id", "invoice", "paid_on", "amount", "anonymised_at")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("paid"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    payer_name = personal(models.CharField(_("payer"), max_length=201, blank=True), "billing")
    anonymised_at = models.DateTimeField(null=True, blank=True)


# --- projects ----------------------------------------------------------------------------


class Project(models.Model):
    controller = models.ForeignKey(Controller, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=255)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ProjectAssignment(Interaction):
    """A person's role in a project; dated by the last year it was billed."""

    retention_category = "projects"
    retention_dates = {"created": "occurred_at", "billing_year_end": "billing_year"}
    non_personal_fields = (*Interaction.base_non_personal, "project", "billing_year")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    billing_year = models.PositiveSmallIntegerField(db_index=True)
    role = personal(models.CharField(_("role"), max_length=150, blank=True), "projects")
    start = personal(models.DateField(_("start"), null=True, blank=True), "projects")
    end = personal(models.DateField(_("end"), null=True, blank=True), "projects")


class TimeEntry(Interaction):
    retention_category = "projects"
    retention_dates = {"created": "occurred_at", "billing_year_end": "billing_year"}
    non_personal_fields = (*Interaction.base_non_personal, "project", "billing_year")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="time_entries")
    billing_year = models.PositiveSmallIntegerField(db_index=True)
    hours = personal(models.DecimalField(_("hours"), max_digits=6, decimal_places=2), "projects")
    description = personal(
        models.CharField(_("description"), max_length=500, blank=True), "projects"
    )


# --- service accounts and use ------------------------------------------------------------


class ServiceAccount(Interaction):
    """A login to one of our online services. Its 'created' clock starts when it is closed:
    an open account is in use, and its logins and usage age on their own."""

    retention_category = "service_use"
    retention_dates = {"created": "closed_at"}
    non_personal_fields = (*Interaction.base_non_personal, "service", "closed_at")

    service = models.CharField(_("service"), max_length=100)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    username = personal(models.CharField(_("user name"), max_length=150), "service_use")


class LoginEvent(PersonalData, models.Model):
    subject_path = "account__person"
    retention_category = "service_use"
    retention_dates: ClassVar[dict[str, str]] = {"created": "at"}
    non_personal_fields = ("id", "account", "at", "success", "anonymised_at")

    account = models.ForeignKey(ServiceAccount, on_delete=models.CASCADE, related_name="logins")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    success = models.BooleanField(default=True)
    ip_address = personal(models.GenericIPAddressField(null=True, blank=True), "service_use")
    user_agent = personal(models.CharField(max_length=500, blank=True), "service_use")
    anonymised_at = models.DateTimeField(null=True, blank=True)


class UsageRecord(PersonalData, models.Model):
    subject_path = "account__person"
    retention_category = "service_use"
    retention_dates: ClassVar[dict[str, str]] = {"created": "at"}
    non_personal_fields = ("id", "account", "at", "anonymised_at")

    account = models.ForeignKey(ServiceAccount, on_delete=models.CASCADE, related_name="usage")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    feature = personal(models.CharField(max_length=100), "service_use")
    quantity = personal(models.PositiveIntegerField(default=1), "service_use")
    anonymised_at = models.DateTimeField(null=True, blank=True)


# --- web and premises --------------------------------------------------------------------


class WebVisit(Interaction):
    """A page view linked to a person (logged in, or identified through a tracked link)."""

    retention_category = "web_visits"
    non_personal_fields = Interaction.base_non_personal

    ip_address = personal(models.GenericIPAddressField(null=True, blank=True), "web_visits")
    page = personal(models.CharField(_("page"), max_length=500, blank=True), "web_visits")
    user_agent = personal(models.CharField(_("browser"), max_length=500, blank=True), "web_visits")
    referrer = personal(models.CharField(_("referrer"), max_length=500, blank=True), "web_visits")


class PremisesVisit(Interaction):
    retention_category = "premises_visits"
    non_personal_fields = (*Interaction.base_non_personal, "host")

    host = models.CharField(_("host"), max_length=150, blank=True)
    visitor_name = personal(
        models.CharField(_("visitor"), max_length=201, blank=True), "premises_visits"
    )
    left_at = personal(models.DateTimeField(_("left"), null=True, blank=True), "premises_visits")
    vehicle_registration = personal(
        models.CharField(_("vehicle registration number"), max_length=20, blank=True),
        "premises_visits",
    )


class CameraRecording(Interaction):
    """A camera recording of the premises, as a file; linked to a visit when one is known."""

    retention_category = "premises_visits"
    non_personal_fields = (*Interaction.base_non_personal, "camera")

    camera = models.CharField(_("camera"), max_length=100)
    visit = personal(
        models.ForeignKey(
            PremisesVisit,
            null=True,
            blank=True,
            on_delete=models.SET_NULL,
            related_name="recordings",
        ),
        "premises_visits",
    )
    file = personal(
        models.ForeignKey(
            StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
        ),
        "premises_visits",
    )


#: The models whose rows the retention sweep selects by their own rule (children go with
#: their parent: ServiceRequestEvent, Payment).
RETAINED_MODELS: tuple[type[models.Model], ...] = (
    Communication,
    ChatTranscript,
    CallRecording,
    ServiceRequest,
    EventRegistration,
    Agreement,
    Invoice,
    ProjectAssignment,
    TimeEntry,
    ServiceAccount,
    LoginEvent,
    UsageRecord,
    WebVisit,
    PremisesVisit,
    CameraRecording,
)

#: Kinds for the timeline, the API and the import: name -> model.
KINDS: dict[str, type[models.Model]] = {
    "communication": Communication,
    "chat": ChatTranscript,
    "call": CallRecording,
    "ticket": ServiceRequest,
    "event_registration": EventRegistration,
    "agreement": Agreement,
    "invoice": Invoice,
    "assignment": ProjectAssignment,
    "time_entry": TimeEntry,
    "service_account": ServiceAccount,
    "web_visit": WebVisit,
    "premises_visit": PremisesVisit,
    "camera_recording": CameraRecording,
}
