"""The disclosure log: what personal data went to which recipient, when, why (Art. 30(1)(d)).

One `Disclosure` is one act of handing data over (an authority's request, a credit check, a
partner); `DisclosedPerson` names the persons whose data went. Recipients are codes of the
catalogue, so a disclosure can only go to a recipient that the privacy notice names. The
log is what Art. 19 reads: rectification, erasure and restriction are passed on to the
recipients a person's data was disclosed to, and the person can ask for that list.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rekisteri.common.personal import PersonalData
from rekisteri.register.models import Controller, Person


class DisclosureBasis(models.TextChoices):
    LEGAL_OBLIGATION = "legal_obligation", _("legal obligation (e.g. an authority's order)")
    AUTHORITY_REQUEST = "authority_request", _("justified request of an authority")
    CONTRACT = "contract", _("contract")
    LEGITIMATE_INTEREST = "legitimate_interest", _("legitimate interest")
    CONSENT = "consent", _("consent of the person")
    VITAL_INTEREST = "vital_interest", _("vital interest")


class Disclosure(models.Model):
    """One disclosure. Holds no personal data: reason and reference must not name anyone."""

    controller = models.ForeignKey(
        Controller, on_delete=models.PROTECT, related_name="disclosures", null=True, blank=True
    )
    recipient_code = models.SlugField(max_length=64)
    recipient_name = models.JSONField(default=dict, help_text="{fi, sv, en} at the time")
    recipient_country = models.CharField(max_length=2, blank=True)
    categories = models.JSONField(default=list)
    basis = models.CharField(max_length=32, choices=DisclosureBasis.choices)
    reason = models.CharField(max_length=500)
    request_ref = models.CharField(max_length=120, blank=True)
    at = models.DateTimeField(db_index=True)
    made_by = models.CharField(max_length=150)
    person_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["recipient_code", "at"])]

    def __str__(self) -> str:
        return f"{self.recipient_code} {self.at:%Y-%m-%d}"


class DisclosedPerson(PersonalData, models.Model):
    """Whose data went in a disclosure. Goes with the person when the person is erased."""

    subject_path = "person"
    non_personal_fields = ("id", "disclosure", "person")

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disclosures")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "person"], name="disclosed_once")
        ]
        indexes = [models.Index(fields=["person", "disclosure"])]
