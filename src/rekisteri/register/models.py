"""The register: group companies (controllers), organisations, persons and their details.

Every record belongs to one controller; a person known to two group companies is two
records (the DPO links them when a request matches both). Personal-data fields name their
catalogue category with `personal(...)`; see rekisteri.common.personal.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rekisteri.catalogue.models import SourceKind
from rekisteri.common.models import TimeStamped
from rekisteri.common.personal import PersonalData, personal
from rekisteri.common.text import search_key


class Language(models.TextChoices):
    FI = "fi", "suomi"
    SV = "sv", "svenska"
    EN = "en", "English"


class Controller(TimeStamped):
    """A group company: the rekisterinpitäjä / personuppgiftsansvarig of its register."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    business_id = models.CharField(max_length=40)
    country = models.CharField(max_length=2, default="FI")
    street = models.CharField(max_length=255, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    dpo_name = models.CharField(max_length=255, blank=True)
    dpo_email = models.EmailField(blank=True)
    dpo_address = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(TimeStamped):
    """A legal person: customer, prospect, supplier or partner. Not personal data itself."""

    controller = models.ForeignKey(
        Controller, on_delete=models.PROTECT, related_name="organizations"
    )
    name = models.CharField(_("name"), max_length=255)
    business_id = models.CharField(_("business ID"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FI")
    street = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    #: the name without case or accents (common.text.search_key), kept in step by save()
    search_name = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["controller", "country", "business_id"],
                condition=~models.Q(business_id=""),
                name="org_unique_business_id",
            )
        ]
        indexes = [
            models.Index(fields=["controller", "name"]),
            models.Index(fields=["controller", "search_name"]),
        ]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Derived, not business logic: keep the search key in step with the name.
        self.search_name = search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


class RelationshipKind(models.TextChoices):
    CUSTOMER = "customer", _("customer")
    PROSPECT = "prospect", _("prospect")
    SUPPLIER = "supplier", _("supplier")
    PARTNER = "partner", _("partner")


class OrganizationRelationship(models.Model):
    """Retention counts from a relationship's end, so each kind keeps its own dates."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="relationships"
    )
    kind = models.CharField(max_length=16, choices=RelationshipKind.choices)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "start"]
        indexes = [models.Index(fields=["kind", "end"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start or ''}–{self.end or ''}"


class Person(PersonalData, TimeStamped):
    """A data subject: rekisteröity / registrerad."""

    subject_path = ""
    non_personal_fields = ("id", "controller", "created_at", "updated_at", "created_by")

    controller = models.ForeignKey(Controller, on_delete=models.PROTECT, related_name="persons")
    first_name = personal(models.CharField(_("first name"), max_length=100, blank=True), "basic")
    last_name = personal(models.CharField(_("last name"), max_length=100), "basic")
    # Lower-cased "last first" for prefix search; the index is what makes search fast.
    search_name = personal(models.CharField(max_length=201, db_index=True, editable=False), "basic")
    title = personal(models.CharField(_("title"), max_length=150, blank=True), "basic")
    language = personal(
        models.CharField(
            _("preferred language"), max_length=2, choices=Language.choices, default=Language.FI
        ),
        "basic",
    )
    nationality = personal(models.CharField(_("nationality"), max_length=2, blank=True), "basic")
    is_contact_person = personal(
        models.BooleanField(_("contact person"), default=False), "customer_relationship"
    )
    is_consumer = personal(
        models.BooleanField(_("consumer customer"), default=False), "customer_relationship"
    )
    is_event_attendee = personal(
        models.BooleanField(_("event attendee"), default=False), "customer_relationship"
    )
    is_service_user = personal(
        models.BooleanField(_("service user"), default=False), "customer_relationship"
    )
    # derived: true while the person has a kyc.BeneficialOwner record (kyc.services sets it)
    is_beneficial_owner = personal(models.BooleanField(_("beneficial owner"), default=False), "kyc")
    # Art. 18: set and lifted only by rekisteri.rights; enforced by rekisteri.access.
    restricted_since = personal(
        models.DateTimeField(_("restricted since"), null=True, blank=True), "rights"
    )
    restriction_ground = personal(
        models.CharField(_("ground of the restriction"), max_length=255, blank=True), "rights"
    )
    # Retention anchors recorded by the retention sweep when it deletes the person's last
    # links to organisations (see docs/retention.md): the day their contact ended and the
    # day their relationship with us ended, which the 2-year rule for basic data counts from.
    contact_ended_on = personal(
        models.DateField(_("contact ended on"), null=True, blank=True), "customer_relationship"
    )
    relationship_ended_on = personal(
        models.DateField(_("relationship ended on"), null=True, blank=True),
        "customer_relationship",
    )
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["controller", "search_name"]),
            # Few persons are restricted (Art. 18), and every sweep, audience and export
            # leaves them out: a partial index lists them without reading the whole table.
            models.Index(
                fields=["restricted_since"],
                name="register_person_restricted",
                condition=models.Q(restricted_since__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def restricted(self) -> bool:
        return self.restricted_since is not None

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Derived, not business logic: keep the search key in step with the names.
        self.search_name = make_search_name(self.first_name, self.last_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


def make_search_name(first_name: str, last_name: str) -> str:
    """ "last first" without case or accents: the key the person search compares."""
    return search_key(f"{last_name} {first_name}")


class ContactKind(models.TextChoices):
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")
    POSTAL = "postal", _("postal address")


class ContactPoint(PersonalData, TimeStamped):
    subject_path = "person"
    non_personal_fields = ("id", "person", "kind", "primary", "created_at", "updated_at")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=8, choices=ContactKind.choices)
    # Email lower-cased, phone in E.164, postal address as lines.
    value = personal(models.CharField(max_length=320), "contact")
    primary = models.BooleanField(default=False)
    verified_at = personal(models.DateTimeField(null=True, blank=True), "contact")
    undeliverable_at = personal(models.DateTimeField(null=True, blank=True), "contact")

    class Meta:
        ordering = ["kind", "-primary", "id"]
        indexes = [
            models.Index(fields=["kind", "value"]),
            models.Index(fields=["value"]),
            # The campaign audience looks up each person's deliverable address of a kind.
            models.Index(fields=["person", "kind", "undeliverable_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Affiliation(PersonalData, TimeStamped):
    """A person's link to an organisation: a contact person of a customer, say."""

    subject_path = "person"
    non_personal_fields = ("id", "person", "organization", "created_at", "updated_at")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = personal(models.CharField(_("role"), max_length=100, blank=True), "organisation_link")
    title = personal(models.CharField(_("title"), max_length=150, blank=True), "organisation_link")
    department = personal(
        models.CharField(_("department"), max_length=150, blank=True), "organisation_link"
    )
    start = personal(models.DateField(_("start"), null=True, blank=True), "organisation_link")
    end = personal(models.DateField(_("end"), null=True, blank=True), "organisation_link")
    is_contact_person = personal(
        models.BooleanField(_("contact person"), default=True), "organisation_link"
    )

    class Meta:
        ordering = ["-start", "id"]
        indexes = [models.Index(fields=["organization", "end"])]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.organization_id}"


class IdentityCode(PersonalData, models.Model):
    """A personal identity code, encrypted at rest with a key kept outside the database."""

    subject_path = "person"
    non_personal_fields = ("id", "person", "country", "created_at")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identity_codes")
    country = models.CharField(max_length=2)
    encrypted = personal(models.TextField(), "identity_code")
    lookup_hash = personal(models.CharField(max_length=64, db_index=True), "identity_code")
    masked = personal(models.CharField(max_length=20), "identity_code")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "country"], name="one_code_per_country")
        ]


class Provenance(PersonalData, models.Model):
    """Where a person's data came from: source, when, by whom, for which purpose."""

    subject_path = "person"
    non_personal_fields = (
        "id",
        "person",
        "record",
        "fields",
        "source_kind",
        "source_name",
        "collected_at",
        "recorded_by",
        "purpose",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="provenance")
    record = models.CharField(
        max_length=120, help_text="model label and id, e.g. register.ContactPoint:12"
    )
    fields = models.JSONField(default=list)
    source_kind = models.CharField(max_length=32, choices=SourceKind.choices)
    source_name = models.CharField(max_length=255, blank=True)
    collected_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150, help_text="staff user name or process")
    purpose = models.CharField(max_length=512, blank=True)

    class Meta:
        ordering = ["-collected_at", "-id"]
        indexes = [models.Index(fields=["person", "record"])]


class OrganizationProvenance(models.Model):
    """Where an organisation's fields came from: the company itself, our own staff, a public
    register (rekisteri.enrichment). Organisations are not personal data, but enrichment
    must know whether a value the company gave is newer than the register's, field by field
    (docs/enrichment.md), so every write to an organisation records one row here."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="provenance"
    )
    fields = models.JSONField(default=list)
    source_kind = models.CharField(max_length=32, choices=SourceKind.choices)
    source_name = models.CharField(max_length=255, blank=True)
    collected_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150, help_text="staff user name or process")

    class Meta:
        ordering = ["-collected_at", "-id"]
        indexes = [models.Index(fields=["organization", "collected_at"])]


def record_key(obj: models.Model) -> str:
    return f"{obj._meta.label}:{obj.pk}"


__all__ = [
    "Affiliation",
    "ContactKind",
    "ContactPoint",
    "Controller",
    "IdentityCode",
    "Language",
    "Organization",
    "OrganizationProvenance",
    "OrganizationRelationship",
    "Person",
    "Provenance",
    "RelationshipKind",
]
