"""Screening hits: a person or an organisation of the register that may be an entry of a
sanctions or PEP list (rekisteri.watchlists), and what compliance decided about it.

A hit names the list entry by its stable key (the FtM id, the EU logicalId, …) and the list
version it was found in, with the score and the reasons as structured data (which of our
names, dates and countries matched which of the entry's). Two fingerprints make a decision
last: `subject_fingerprint` (a keyed hash of the subject's screened data: names, birth date,
nationality or country) and `entry_fingerprint` (a hash of the entry's data). A decided hit
is not asked again while both stay the same; when either changes, screening opens a new
hit beside the decided one, which stays as the record of that decision.

`PersonHit` is personal data of its person in the screening data category (`"sanctions_screening"`
below is the field map's code): only the purposes that cover customer due diligence see it,
it is kept five years after the customer relationship ends (the catalogue's rule names the
AML acts), and the access package withholds it under the AML acts (docs/screening.md).
`OrganisationHit` is about a legal person and goes with the organisation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rekisteri.common.models import TimeStamped
from rekisteri.common.personal import PersonalData, personal
from rekisteri.register.models import Organization, Person


class HitStatus(models.TextChoices):
    OPEN = "open", _("waiting for a decision")
    MATCH = "match", _("a match")
    FALSE_POSITIVE = "false_positive", _("not a match (false positive)")
    WITHDRAWN = "withdrawn", _("no longer matches after re-screening")


#: the statuses a reviewer can decide
DECISIONS = (HitStatus.MATCH, HitStatus.FALSE_POSITIVE)


class SubjectKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class Hit(TimeStamped):
    """What every hit has; see the module's docstring."""

    list_name = models.CharField(_("sanctions or PEP list"), max_length=200)
    #: the watchlists.ListVersion the hit was last found in (an id, not a link: an old
    #: version may be removed while the decision must stay)
    list_version_id = models.BigIntegerField()
    entity_key = models.CharField(_("list entry"), max_length=255)
    caption = models.CharField(_("name on the list"), max_length=500)
    score = models.FloatField(_("score"))
    #: [{"kind": "name"|"alias"|"birth_date"|"country"|…, "ours", "theirs", "similarity"}]
    reasons = models.JSONField(_("why"), default=list)
    subject_fingerprint = models.CharField(max_length=64)
    entry_fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=HitStatus.choices, default=HitStatus.OPEN
    )
    decision_reason = models.CharField(_("reason of the decision"), max_length=1000, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True


class PersonHit(PersonalData, Hit):
    subject_path = "person"
    non_personal_fields = ("id", "created_at", "updated_at", "person", "list_version_id")

    kind = SubjectKind.PERSON
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="screening_hits")

    list_name = personal(Hit._meta.get_field("list_name").clone(), "sanctions_screening")
    entity_key = personal(Hit._meta.get_field("entity_key").clone(), "sanctions_screening")
    caption = personal(Hit._meta.get_field("caption").clone(), "sanctions_screening")
    score = personal(Hit._meta.get_field("score").clone(), "sanctions_screening")
    reasons = personal(Hit._meta.get_field("reasons").clone(), "sanctions_screening")
    subject_fingerprint = personal(
        Hit._meta.get_field("subject_fingerprint").clone(), "sanctions_screening"
    )
    entry_fingerprint = personal(
        Hit._meta.get_field("entry_fingerprint").clone(), "sanctions_screening"
    )
    status = personal(Hit._meta.get_field("status").clone(), "sanctions_screening")
    decision_reason = personal(
        Hit._meta.get_field("decision_reason").clone(), "sanctions_screening"
    )
    decided_by = personal(Hit._meta.get_field("decided_by").clone(), "sanctions_screening")
    decided_at = personal(Hit._meta.get_field("decided_at").clone(), "sanctions_screening")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "list_name", "entity_key"],
                condition=models.Q(status="open"),
                name="screening_person_hit_open_once",
            )
        ]
        indexes = [models.Index(fields=["status", "-score"], name="screening_phit_queue")]


class OrganisationHit(Hit):
    kind = SubjectKind.ORGANISATION
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="screening_hits"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "list_name", "entity_key"],
                condition=models.Q(status="open"),
                name="screening_org_hit_open_once",
            )
        ]
        indexes = [models.Index(fields=["status", "-score"], name="screening_ohit_queue")]


class ScreeningRun(models.Model):
    """One re-screening of the register against the lists (`rekisteri screening run`, the
    worker's job): which lists it used (their fingerprint) and what it found. Counts only."""

    lists_fingerprint = models.CharField(max_length=64)
    everyone = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    persons = models.PositiveIntegerField(default=0)
    organisations = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    started_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
