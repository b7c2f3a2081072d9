"""Know-your-customer records under the anti-money-laundering acts, each with provenance.

- `BeneficialOwner`: a person who owns or controls an organisation (share and/or kind of
  control), as the company stated it or as the beneficial-owner register extract says;
- `RepresentationRight`: a person's right to represent an organisation (signing right or
  power of attorney), with its evidence and validity;
- `PepStatus`: a person is a politically exposed person, or a family member or close
  associate of one (of whom), with the position, country, since/until and next review;
- `DueDiligence`: customer due diligence of one customer relationship (an organisation of
  ours): risk level, the checks done and when, the next review and who decided;
- `AmlInvestigation`: an examination of a person's transactions for money laundering (the
  grounds, the outcome, when it was reported to the financial intelligence unit). Its fields
  are in the catalogue's AML investigation category, which a law exempts from the right of
  access: the access package leaves it out and says why (docs/kyc.md).

Every personal field is in the KYC data category of the catalogue (`"kyc"` below is
the field map's code, as `register.models` writes its own); only the purposes that cover
customer due diligence see it. The records are kept five years after the customer
relationship ends (the catalogue's retention rule for the category names the law).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rekisteri.common.models import TimeStamped
from rekisteri.common.personal import PersonalData, personal
from rekisteri.register.models import Organization, Person


class KycSource(models.TextChoices):
    OWN_STATEMENT = "own_statement", _("the company's own statement")
    OWNER_REGISTER = "owner_register", _("beneficial-owner register extract")
    TRADE_REGISTER = "trade_register", _("trade register extract")
    IDENTITY_DOCUMENT = "identity_document", _("identity document")
    POWER_OF_ATTORNEY = "power_of_attorney", _("power of attorney document")
    PERSON_STATEMENT = "person_statement", _("the person's own statement")
    PUBLIC_SOURCE = "public_source", _("public source")
    SCREENING = "screening", _("screening against a list")


class ControlKind(models.TextChoices):
    OWNERSHIP = "ownership", _("ownership (more than 25 %)")
    VOTING_RIGHTS = "voting_rights", _("voting rights (more than 25 %)")
    APPOINTS_BOARD = "appoints_board", _("right to appoint or remove the board")
    OTHER_CONTROL = "other_control", _("control by other means")
    SENIOR_MANAGER = "senior_manager", _("senior manager (no owner identified)")


class RepresentationKind(models.TextChoices):
    SIGNING_RIGHT = "signing_right", _("signing right")
    PROCURATION = "procuration", _("procuration")
    POWER_OF_ATTORNEY = "power_of_attorney", _("power of attorney")


class PepRelation(models.TextChoices):
    SELF = "self", _("politically exposed person")
    FAMILY_MEMBER = "family_member", _("family member of a politically exposed person")
    CLOSE_ASSOCIATE = "close_associate", _("close associate of a politically exposed person")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")


class KycRecord(PersonalData, TimeStamped):
    """What every person's KYC record has: the person, the source and its date."""

    subject_path = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    source = personal(
        models.CharField(_("source"), max_length=32, choices=KycSource.choices), "kyc"
    )
    source_date = personal(models.DateField(_("date of the source")), "kyc")
    recorded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        abstract = True


class BeneficialOwner(KycRecord):
    non_personal_fields = (
        "id",
        "created_at",
        "updated_at",
        "person",
        "organization",
        "recorded_by",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ownerships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="beneficial_owners"
    )
    share_percent = personal(
        models.DecimalField(
            _("ownership share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
        ),
        "kyc",
    )
    control = personal(
        models.CharField(_("kind of control"), max_length=32, choices=ControlKind.choices),
        "kyc",
    )

    class Meta:
        ordering = ["organization", "person"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "person"], name="kyc_owner_once"),
            models.CheckConstraint(
                condition=models.Q(share_percent__isnull=True)
                | models.Q(share_percent__gte=0, share_percent__lte=100),
                name="kyc_owner_share_0_100",
            ),
        ]


class RepresentationRight(KycRecord):
    non_personal_fields = (
        "id",
        "created_at",
        "updated_at",
        "person",
        "organization",
        "recorded_by",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="representations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="representatives"
    )
    kind = personal(
        models.CharField(_("right"), max_length=32, choices=RepresentationKind.choices),
        "kyc",
    )
    evidence = personal(models.CharField(_("evidence"), max_length=255), "kyc")
    valid_from = personal(models.DateField(_("valid from"), null=True, blank=True), "kyc")
    valid_until = personal(models.DateField(_("valid until"), null=True, blank=True), "kyc")

    class Meta:
        ordering = ["organization", "person", "kind"]


class PepStatus(KycRecord):
    non_personal_fields = ("id", "created_at", "updated_at", "person", "recorded_by")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="pep_statuses")
    relation = personal(
        models.CharField(_("basis"), max_length=32, choices=PepRelation.choices), "kyc"
    )
    related_to = personal(
        models.CharField(_("family member or close associate of"), max_length=200, blank=True),
        "kyc",
    )
    position = personal(models.CharField(_("position"), max_length=200), "kyc")
    country = personal(models.CharField(_("country"), max_length=2), "kyc")
    since = personal(models.DateField(_("since"), null=True, blank=True), "kyc")
    until = personal(models.DateField(_("until"), null=True, blank=True), "kyc")
    next_review = personal(models.DateField(_("next review")), "kyc")

    class Meta:
        ordering = ["person", "-since"]


class DueDiligence(models.Model):
    """Customer due diligence of one customer relationship (an organisation of ours).

    Not personal data of a data subject: it is about the company; `decided_by` is the staff
    user who decided."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="due_diligence"
    )
    risk_level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices)
    checks = models.JSONField(_("checks done"), default=list)
    checked_on = models.DateField(_("checked on"))
    next_review = models.DateField(_("next review"))
    decided_by = models.CharField(_("decided by"), max_length=150)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "-checked_on", "-id"]


class InvestigationOutcome(models.TextChoices):
    OPEN = "open", _("being examined")
    NO_SUSPICION = "no_suspicion", _("no grounds for suspicion")
    REPORTED = "reported", _("reported to the financial intelligence unit")


class AmlInvestigation(PersonalData, TimeStamped):
    """An examination of a person's transactions under the AML acts (FI 444/2017 4 luku;
    SE 2017:630 4 kap.): never shown to the person (see the category's access exemption)."""

    subject_path = "person"
    non_personal_fields = (
        "id",
        "created_at",
        "updated_at",
        "person",
        "organization",
        "recorded_by",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aml_investigations")
    #: the customer relationship the transactions belong to, if an organisation's
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="aml_investigations",
    )
    opened_on = personal(models.DateField(_("opened on")), "aml_investigation")
    grounds = personal(models.CharField(_("grounds"), max_length=1000), "aml_investigation")
    outcome = personal(
        models.CharField(
            _("outcome"),
            max_length=32,
            choices=InvestigationOutcome.choices,
            default=InvestigationOutcome.OPEN,
        ),
        "aml_investigation",
    )
    reported_on = personal(
        models.DateField(_("reported on"), null=True, blank=True), "aml_investigation"
    )
    recorded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["person", "-opened_on", "-id"]
