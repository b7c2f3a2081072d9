"""Staff membership (roles and group companies) and the recorded sharing of a person's
data with another group company."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rekisteri.common.personal import PersonalData
from rekisteri.register.models import Controller, Person


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    roles = models.JSONField(default=list, help_text="role codes from the catalogue")
    controllers = models.ManyToManyField(Controller, related_name="staff")
    language = models.CharField(max_length=2, default="fi")

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.roles)})"


class GroupShare(PersonalData, models.Model):
    """One person's record of one group company, shared with another under one purpose.

    A controller's register is invisible to the staff of the other group companies; this
    row is what makes one person visible to them, and only for a purpose that the catalogue
    marks `shared_within_group` (see docs/access.md). It holds no personal data itself.
    """

    subject_path = "person"
    non_personal_fields = ("id", "person", "controller", "purpose", "shared_at", "shared_by")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_shares")
    controller = models.ForeignKey(
        Controller,
        on_delete=models.CASCADE,
        related_name="shared_persons",
        help_text="the group company that receives the data",
    )
    purpose = models.CharField(max_length=64, help_text="catalogue purpose code")
    shared_at = models.DateTimeField()
    shared_by = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "controller", "purpose"], name="one_share_per_purpose"
            )
        ]
        indexes = [models.Index(fields=["controller", "person"])]

    def __str__(self) -> str:
        return f"person {self.person_id} → {self.controller_id} ({self.purpose})"
