"""Data subject requests (GDPR Art. 12–22) as a workflow, and what they leave behind.

Design:
- A `RightsRequest` is one request of one kind, from one requester. It is "received" (the
  Art. 12(3) clock starts) when it is actionable: at once when staff record it, and when the
  requester confirms the emailed link for the public page (an unconfirmed public request is
  nobody's request yet; EDPB Guidelines 01/2022 on access, §§ 159–160).
- The requester may match several person records (duplicates, several group companies):
  each match is a `RequestSubject`, which the DPO confirms before anything is released.
- Secrets given to the requester (verification, status and download links) are stored only
  as SHA-256 hashes; the link itself exists only in the email.
- After erasure a request is kept as proof that it was handled (Vanhentumislaki 728/2003
  4 §, catalogue rule `rights-3-years`), minimised: the contact details are cleared and only
  a keyed hash of the email address stays, so a returning requester can be told the outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rekisteri.common.models import TimeStamped
from rekisteri.common.personal import PersonalData, personal
from rekisteri.register.models import Controller, Person


class RequestKind(models.TextChoices):
    ACCESS = "access", _("access to my data (Art. 15)")
    RECTIFICATION = "rectification", _("rectification (Art. 16)")
    ERASURE = "erasure", _("erasure (Art. 17)")
    RESTRICTION = "restriction", _("restriction of processing (Art. 18)")
    OBJECTION = "objection", _("objection (Art. 21)")
    PORTABILITY = "portability", _("data portability (Art. 20)")


class Channel(models.TextChoices):
    PUBLIC_PAGE = "public_page", _("public page")
    EMAIL = "email", _("email")
    LETTER = "letter", _("letter")
    PHONE = "phone", _("phone (recorded by staff)")


class RequestStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("waiting for the requester to confirm the link")
    OPEN = "open", _("received, being handled")
    COMPLETED = "completed", _("completed")
    REFUSED = "refused", _("refused")


class RefusalReason(models.TextChoices):
    CANNOT_IDENTIFY = "cannot_identify", _("we cannot identify the requester (Art. 11(2), 12(2))")
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("manifestly unfounded (Art. 12(5))")
    EXCESSIVE = "excessive", _("excessive, in particular repetitive (Art. 12(5))")
    LEGAL_OBLIGATION = "legal_obligation", _("the law requires us to keep the data (Art. 17(3))")


class VerificationMethod(models.TextChoices):
    EMAIL_LINK = "email_link", _("one-time link to an address in the register")
    KNOWN_EMAIL = "known_email", _("request came from an address in the register")
    STRONG_AUTH = "strong_auth", _("strong electronic identification")
    ID_DOCUMENT = "id_document", _("identity document seen by staff")
    CALLBACK = "callback", _("call back to a number in the register")
    SIGNED_LETTER = "signed_letter", _("signed letter matching the register")


class RightsRequest(PersonalData, TimeStamped):
    subject_path = "persons"
    non_personal_fields = (
        "id",
        "created_at",
        "updated_at",
        "kind",
        "channel",
        "status",
        "submitted_at",
        "received_at",
        "due_date",
        "extended_due_date",
        "extension_notified_at",
        "extension_notified_via",
        "assignee",
        "verified_at",
        "verification_method",
        "verified_by",
        "refusal_reason",
        "closed_at",
        "verify_token_hash",
        "verify_expires_at",
        "status_token_hash",
        "email_hash",
        "objection_purpose",
        "created_by",
        "erased_at",
        "controller",
    )

    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
        db_index=True,
    )
    submitted_at = models.DateTimeField()
    # Art. 12(3): the clock starts when the request is received in actionable form.
    received_at = models.DateTimeField(null=True, blank=True, db_index=True)
    due_date = models.DateField(null=True, blank=True, db_index=True)
    extended_due_date = models.DateField(null=True, blank=True)
    extension_reason = personal(models.TextField(blank=True), "rights")
    extension_notified_at = models.DateTimeField(null=True, blank=True)
    extension_notified_via = models.CharField(max_length=32, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = personal(models.CharField(max_length=2, default="fi"), "rights")
    requester_name = personal(models.CharField(max_length=200, blank=True), "rights")
    requester_email = personal(models.CharField(max_length=320, blank=True), "rights")
    requester_phone = personal(models.CharField(max_length=40, blank=True), "rights")
    requester_address = personal(models.TextField(blank=True), "rights")
    #: What the person wrote: the changes they want, their situation (objection), etc.
    details = personal(models.TextField(blank=True), "rights")
    #: Rectification: {"field": "new value"} as the person asked it.
    changes = personal(models.JSONField(default=dict, blank=True), "rights")
    objection_purpose = models.CharField(max_length=64, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(
        max_length=16, choices=VerificationMethod.choices, blank=True
    )
    verification_note = personal(models.TextField(blank=True), "rights")
    verified_by = models.CharField(max_length=150, blank=True)
    refusal_reason = models.CharField(max_length=24, choices=RefusalReason.choices, blank=True)
    refusal_text = personal(models.TextField(blank=True), "rights")
    outcome = personal(models.TextField(blank=True), "rights")
    closed_at = models.DateTimeField(null=True, blank=True)
    verify_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    verify_expires_at = models.DateTimeField(null=True, blank=True)
    status_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    #: Keyed hash of the normalised email: rate limits, and finding the request after erasure.
    email_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.CharField(max_length=150, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    persons = models.ManyToManyField(Person, through="RequestSubject", related_name="+")
    #: The group company a request was recorded for by its DPO: whose it is while it names
    #: nobody yet (a request naming persons is their companies'; see rights.selectors).
    controller = models.ForeignKey(
        Controller, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DSR-{self.pk:06d}" if self.pk else "DSR-new"

    @property
    def deadline(self):  # type: ignore[no-untyped-def]
        return self.extended_due_date or self.due_date

    @property
    def is_closed(self) -> bool:
        return self.status in (RequestStatus.COMPLETED, RequestStatus.REFUSED)


class RequestSubject(PersonalData, models.Model):
    """A person record the request may concern; the DPO confirms which ones it does."""

    subject_path = "person"
    non_personal_fields = ("id", "request", "person", "matched_by", "confirmed_at", "confirmed_by")

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    matched_by = models.CharField(max_length=32, help_text="email, phone, staff")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="one_subject_per_request")
        ]
        indexes = [models.Index(fields=["person"])]


class PackageKind(models.TextChoices):
    ACCESS = "access", _("copy of your data (Art. 15)")
    PORTABILITY = "portability", _("data you gave us, machine-readable (Art. 20)")


class Package(PersonalData, models.Model):
    """A generated ZIP under settings.PACKAGES_DIR; erasure and expiry remove it."""

    subject_path = "persons"
    non_personal_fields = (
        "id",
        "request",
        "kind",
        "path",
        "sha256",
        "size",
        "created_at",
        "expires_at",
        "download_token_hash",
        "downloaded_at",
        "created_by",
    )

    request = models.ForeignKey(
        RightsRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="packages"
    )
    kind = models.CharField(max_length=16, choices=PackageKind.choices)
    path = models.CharField(max_length=255, help_text="file name under PACKAGES_DIR")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    download_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    persons = models.ManyToManyField(Person, related_name="+")


class Restriction(PersonalData, models.Model):
    """An Art. 18 restriction with its ground and period; mirrored on Person for enforcement."""

    subject_path = "person"
    non_personal_fields = (
        "id",
        "person",
        "request",
        "until",
        "set_at",
        "set_by",
        "lifted_at",
        "lifted_by",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(
        RightsRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ground = personal(models.CharField(max_length=255), "rights")
    until = models.DateField(null=True, blank=True)
    set_at = models.DateTimeField()
    set_by = models.CharField(max_length=150)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-set_at"]
        indexes = [models.Index(fields=["person", "lifted_at"])]


class ObjectionDecision(PersonalData, models.Model):
    """The DPO's decision on an Art. 21(1) objection to processing on legitimate interest."""

    subject_path = "person"
    non_personal_fields = (
        "id",
        "person",
        "request",
        "purpose",
        "upheld",
        "decided_at",
        "decided_by",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(
        RightsRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(max_length=64)
    upheld = models.BooleanField()
    reasons = personal(models.TextField(), "rights")
    decided_at = models.DateTimeField()
    decided_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["person", "purpose"])]
