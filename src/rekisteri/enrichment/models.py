"""What the trade register last said about an organisation, and whether staff must review it.

The organisation's own fields (name, address, line of business, website) are updated in
place through register.services, with `public_register` provenance per field; what has no
field of its own on an organisation (company form, registration and end dates, the
register's status) is kept here, one row per organisation, replaced at each update.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rekisteri.register.models import Organization


class Register(models.TextChoices):
    YTJ = "ytj", _("Finnish trade register (PRH, YTJ)")
    BOLAGSVERKET = "bolagsverket", _("Swedish companies register (Bolagsverket)")


class ReviewReason(models.TextChoices):
    NONE = "", _("nothing to review")
    ENDED = "ended", _("the company has ended")
    STRUCK_OFF = "struck_off", _("the company is no longer registered")
    WINDING_UP = "winding_up", _("the company is in liquidation, bankruptcy or reorganisation")


class RegisterStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("company status", "registered")
    NOT_REGISTERED = "not_registered", _("not in the trade register")
    ENDED = "ended", _("ended")
    STRUCK_OFF = "struck_off", _("struck off the register")
    OTHER = "other", _("another status: see the register")


class Procedure(models.TextChoices):
    LIQUIDATION = "liquidation", _("liquidation")
    BANKRUPTCY = "bankruptcy", _("bankruptcy")
    REORGANISATION = "reorganisation", _("reorganisation")
    MERGER = "merger", _("merger or division")
    OTHER = "other", _("another winding-up or restructuring procedure")


class TradeRegisterRecord(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="trade_register"
    )
    register = models.CharField(max_length=16, choices=Register.choices)
    registered_name = models.CharField(max_length=255, blank=True)
    company_form = models.CharField(max_length=255, blank=True)
    registration_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RegisterStatus.choices, blank=True)
    #: ongoing procedures (Procedure values): liquidation, bankruptcy, …
    procedures = models.JSONField(default=list, blank=True)
    register_modified = models.DateTimeField(null=True, blank=True)
    collected_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)
    review_reason = models.CharField(
        max_length=16, choices=ReviewReason.choices, blank=True, default=""
    )
    #: set when a reason appears; cleared by "mark as reviewed" (reviewed_by, reviewed_at)
    review_open = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    #: what the last update changed and kept, in words (shown on the organisation's page)
    last_report = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["review_open"])]

    def __str__(self) -> str:
        return f"{self.get_register_display()}: {self.organization_id}"

    @property
    def procedure_labels(self) -> list[str]:
        labels = dict(Procedure.choices)
        return [str(labels.get(p, Procedure.OTHER.label)) for p in self.procedures]
