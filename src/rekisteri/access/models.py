"""Staff membership: which roles (from the catalogue) and which group companies a user has."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rekisteri.register.models import Controller


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    roles = models.JSONField(default=list, help_text="role codes from the catalogue")
    controllers = models.ManyToManyField(Controller, related_name="staff")
    language = models.CharField(max_length=2, default="fi")

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.roles)})"
