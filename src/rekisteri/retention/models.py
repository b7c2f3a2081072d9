"""Retention: legal holds and the record of each sweep. The rules themselves are in the
catalogue (catalogue.RetentionRule); see retention/engine.py for how they are applied."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rekisteri.common.personal import PersonalData, personal
from rekisteri.register.models import Controller, Organization, Person


class HoldScope(models.TextChoices):
    PERSON = "person", _("person")
    ORGANIZATION = "organization", _("organisation")
    RECORD = "record", _("record")


class LegalHold(PersonalData, models.Model):
    """Stops deletion and anonymisation of a person's, an organisation's or one record's
    data (a dispute, an authority's order, a pending claim) until it is released or its
    `until` date has passed."""

    subject_path = "person"
    non_personal_fields = (
        "id",
        "controller",
        "scope",
        "person",
        "organization",
        "record_model",
        "record_id",
        "until",
        "created_at",
        "created_by",
        "released_at",
        "released_by",
    )

    controller = models.ForeignKey(Controller, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("applies to"), max_length=16, choices=HoldScope.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    record_model = models.CharField(
        _("record type"),
        max_length=100,
        blank=True,
        help_text="model label, e.g. interactions.Invoice",
    )
    record_id = models.BigIntegerField(_("record id"), null=True, blank=True)
    # A reason about a person (a dispute with them) is their data; it goes with them.
    reason = personal(models.CharField(_("reason"), max_length=500), "customer_relationship")
    until = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="hold_names_its_target",
                condition=(
                    Q(scope="person", person__isnull=False)
                    | Q(scope="organization", organization__isnull=False)
                    | (Q(scope="record", record_id__isnull=False) & ~Q(record_model=""))
                ),
            )
        ]

    def __str__(self) -> str:
        return f"hold {self.pk} ({self.scope})"

    @property
    def record(self) -> str:
        return f"{self.record_model}:{self.record_id}" if self.record_model else ""


class SweepStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    DRY_RUN = "dry_run", _("dry run")
    FAILED = "failed", _("failed (re-run it)")


class SweepRun(models.Model):
    """One run of `rekisteri retention sweep`: counts per rule, never personal data."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField()
    status = models.CharField(max_length=16, choices=SweepStatus.choices)
    actor = models.CharField(max_length=150)
    counts = models.JSONField(default=dict, help_text="rule code -> {deleted, anonymised}")
    files_removed = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    @property
    def total(self) -> int:
        return sum(sum(v.values()) for k, v in self.counts.items() if not k.startswith("_"))


class ReviewDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed as correct")
    CORRECTED = "corrected", _("corrected")
    DELETED = "deleted", _("deleted")


class ReviewMark(models.Model):
    """A review decision that keeps a record off the review list for a while (a contact
    person confirmed as still the contact although the relationship has ended)."""

    record_model = models.CharField(max_length=100)
    record_id = models.BigIntegerField()
    rule = models.CharField(max_length=64)
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.CharField(max_length=150)

    class Meta:
        indexes = [models.Index(fields=["record_model", "record_id"])]
