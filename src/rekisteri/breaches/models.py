"""The register of personal data breaches (GDPR Art. 33(5)) with the 72-hour clock.

The controller must tell the supervisory authority within 72 hours of becoming aware of a
breach, unless it is unlikely to result in a risk to people (Art. 33(1)); a later notice
gives the reasons for the delay. People are told without undue delay when the risk is high
(Art. 34), or the register says why not. Every breach is recorded, notified or not.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rekisteri.register.models import Controller

DEADLINE = dt.timedelta(hours=72)


class Nature(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("confidentiality: data seen or taken by someone")
    INTEGRITY = "integrity", _("integrity: data changed without authority")
    AVAILABILITY = "availability", _("availability: data lost or out of reach")


class Risk(models.TextChoices):
    UNLIKELY = "unlikely", _("unlikely to result in a risk")
    RISK = "risk", _("a risk to people's rights and freedoms")
    HIGH = "high", _("a high risk")


class WindowRule(models.TextChoices):
    CHANGED = "changed", _("data created or changed in the window")
    EXISTING = "existing", _("data that existed during the window")


class ClockState(models.TextChoices):
    DUE = "due", _("due: authority not yet told, within 72 hours")
    OVERDUE = "overdue", _("overdue: more than 72 hours, authority not told")
    NOTIFIED = "notified", _("authority told")
    NOTIFIED_LATE = "notified_late", _("authority told late")
    NOT_REQUIRED = "not_required", _("no notification needed (reasons recorded)")


class Breach(models.Model):
    """One breach. Holds no personal data: describe what happened, not to whom."""

    controller = models.ForeignKey(
        Controller, on_delete=models.PROTECT, related_name="breaches", null=True, blank=True
    )
    title = models.CharField(_("title"), max_length=200)
    nature = models.JSONField(_("nature"), default=list)
    description = models.TextField(_("what happened"))
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred_from = models.DateTimeField(_("occurred from"), null=True, blank=True)
    occurred_until = models.DateTimeField(_("occurred until"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.CharField(max_length=150)
    categories = models.JSONField(_("data categories"), default=list)
    window_rule = models.CharField(
        max_length=10, choices=WindowRule.choices, default=WindowRule.CHANGED
    )
    approx_persons = models.PositiveIntegerField(
        _("approximate number of people"), null=True, blank=True
    )
    approx_records = models.PositiveIntegerField(
        _("approximate number of records"), null=True, blank=True
    )
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures = models.TextField(_("measures taken or proposed"), blank=True)
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, default=Risk.RISK)
    authority_notified_at = models.DateTimeField(_("authority told at"), null=True, blank=True)
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)
    authority_not_notified_reason = models.TextField(_("why the authority is not told"), blank=True)
    delay_reason = models.TextField(_("reasons for a late notification"), blank=True)
    persons_notified_at = models.DateTimeField(_("people told at"), null=True, blank=True)
    persons_not_notified_reason = models.TextField(_("why the people are not told"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-discovered_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def deadline(self) -> dt.datetime:
        return self.discovered_at + DEADLINE

    def clock(self, now: dt.datetime | None = None) -> str:
        """Where the 72-hour clock stands at `now`."""
        if self.authority_notified_at is not None:
            late = self.authority_notified_at > self.deadline
            return ClockState.NOTIFIED_LATE if late else ClockState.NOTIFIED
        if self.authority_not_notified_reason:
            return ClockState.NOT_REQUIRED
        now = now or timezone.now()
        return ClockState.OVERDUE if now > self.deadline else ClockState.DUE

    def hours_left(self, now: dt.datetime | None = None) -> float:
        now = now or timezone.now()
        return round((self.deadline - now).total_seconds() / 3600, 1)
