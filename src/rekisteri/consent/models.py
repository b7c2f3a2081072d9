"""Consents and prohibitions with their proof, the suppression list, per-controller rules.

Design:
- `Consent` is append-only history. A new statement for the same person, purpose, channel
  (and mailing list, for list subscriptions) supersedes the previous one by setting its
  `superseded_at`; the current state is the row whose `superseded_at` is NULL. That keeps
  every statement as proof and still lets the rules engine answer in one indexed lookup,
  in SQL, for a million persons at a time.
- `Suppression` keeps only an HMAC (key `settings.SUPPRESSION_KEY`, in the data directory)
  of a normalised email address or phone number. It has no link to a person, so erasure
  does not touch it: an opt-out outlives the person's record (GDPR Art. 17(3)(b) and 21(3)).
- `SuppressedContact` is a derived index: which current contact points match an entry, so
  that audiences can leave them out in SQL (an HMAC cannot be computed in SQL).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rekisteri.common.personal import PersonalData, personal


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")
    SMS = "sms", _("text message")
    POST = "post", _("post")
    ALL = "all", _("all channels")


class ConsentPurpose(models.TextChoices):
    # The catalogue's purpose flags (`direct_marketing`, `profiling`), not purpose codes.
    DIRECT_MARKETING = "direct_marketing", _("direct marketing")  # catalogue-free: a flag
    PROFILING = "profiling", _("profiling and segments")  # catalogue-free: a flag
    # "Do not track" is its own statement, apart from "do not contact".
    TRACKING = "tracking", _("tracking of marketing messages")


class ConsentState(models.TextChoices):
    GRANTED = "granted", _("consent given")
    WITHDRAWN = "withdrawn", _("consent withdrawn / opted out")
    OBJECTED = "objected", _("objection (prohibition)")


class ConsentMethod(models.TextChoices):
    WEB_FORM = "web_form", _("web form")
    EMAIL = "email", _("email")
    CALL = "call", _("phone call")
    IMPORT = "import", _("import")
    STAFF = "staff", _("recorded by staff")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("unsubscribe link")
    PREFERENCE_CENTRE = "preference_centre", _("preference centre")
    DOUBLE_OPT_IN = "double_opt_in", _("confirmation link (double opt-in)")
    RIGHTS_REQUEST = "rights_request", _("data subject request")


class Consent(PersonalData, models.Model):
    """One statement of a person: consent given or withdrawn, or a prohibition, with proof."""

    subject_path = "person"
    non_personal_fields = ("id", "person", "mailing_list", "superseded_at")

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="consents")
    purpose = personal(
        models.CharField(max_length=32, choices=ConsentPurpose.choices), "marketing_preferences"
    )
    channel = personal(
        models.CharField(max_length=8, choices=Channel.choices), "marketing_preferences"
    )
    # Set for a subscription to one mailing list; NULL for the channel as a whole.
    mailing_list = models.ForeignKey(
        "marketing.MailingList", null=True, blank=True, on_delete=models.CASCADE
    )
    state = personal(
        models.CharField(max_length=12, choices=ConsentState.choices), "marketing_preferences"
    )
    method = personal(
        models.CharField(max_length=20, choices=ConsentMethod.choices), "marketing_preferences"
    )
    at = personal(models.DateTimeField(), "marketing_preferences")
    text = personal(models.TextField(blank=True), "marketing_preferences")
    text_version = personal(models.CharField(max_length=40, blank=True), "marketing_preferences")
    ip = personal(models.GenericIPAddressField(null=True, blank=True), "marketing_preferences")
    user_agent = personal(models.CharField(max_length=400, blank=True), "marketing_preferences")
    recorded_by = personal(models.CharField(max_length=150), "marketing_preferences")
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The rules engine's lookup: current statements of a person.
            models.Index(
                fields=["person", "purpose", "state"],
                condition=models.Q(superseded_at__isnull=True),
                name="consent_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}/{self.channel}: {self.state}"


class SuppressionKind(models.TextChoices):
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")


class Suppression(models.Model):
    """A keyed hash of an address that must not receive marketing. No link to any person.

    Not personal data by itself (no field of it is in the field map); its entries follow
    the catalogue's rule for this category, and their audit events name it."""

    retention_category = "suppression"

    kind = models.CharField(max_length=8, choices=SuppressionKind.choices)
    digest = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=40, help_text="a code, never personal data")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:8]}…"


class SuppressedContact(models.Model):
    """Derived: a current contact point whose value matches a suppression entry."""

    contact_point = models.OneToOneField(
        "register.ContactPoint", on_delete=models.CASCADE, related_name="+"
    )


class SuppressionScan(models.Model):
    """How far contact points have been compared with the suppression list (one row)."""

    last_id = models.BigIntegerField(default=0)
    scanned_at = models.DateTimeField(null=True)


class ControllerMarketingSettings(models.Model):
    """Marketing rules and tracking switches of one group company."""

    controller = models.OneToOneField(
        "register.Controller", on_delete=models.CASCADE, related_name="marketing_settings"
    )
    # FI Tietoyhteiskuntakaari 917/2014 200 §, SE marknadsföringslagen 2008:486 19 §:
    # contacts of legal persons may receive marketing about their work until they object.
    b2b_opt_out = models.BooleanField(_("business contacts until they object"), default=True)
    # Own similar products to existing customers, with an opt-out offered in every message.
    existing_customer_rule = models.BooleanField(_("existing-customer rule"), default=True)
    open_tracking = models.BooleanField(_("open tracking"), default=False)
    click_tracking = models.BooleanField(_("click tracking"), default=False)
    from_email = models.EmailField(_("sender address"), blank=True)
    send_rate = models.PositiveIntegerField(_("messages per second (0: no limit)"), default=50)

    def __str__(self) -> str:
        return f"marketing settings of {self.controller_id}"
