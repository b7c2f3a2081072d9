"""The retention engine: which rows each catalogue rule makes due, as one SQL condition.

Design (read this before changing anything here):

- Rules come only from the catalogue (`catalogue_snapshot().retention`, by data category).
  A rule applies to every retained model whose rows are of its category
  (`model.retention_category`, checked against the field map by a test). Nothing here lists
  where personal data lives.
- A rule is turned into a Django queryset of the rows that are due on a day (`due_rows`):
  the anchor is compared with the last anchor day that is due (periods.latest_due_anchor),
  so selection is one indexed comparison, never a per-row computation in Python.
  Anchors: `created` (the model's own date for it), `request_closed`, `billing_year_end`
  (the moment the billing year ends, 1 January of the next year), `relationship_ended` (the
  row's organisation's relationships have all ended; without an organisation, every
  affiliation of the person has ended), `contact_ended` (the person is no longer any
  organisation's contact), `needed` (never due).
- Never due, whatever the rule: rows under an active legal hold (on the person, the
  organisation or the record), rows of a person whose processing is restricted (Art. 18:
  stored only, which includes not destroying what they asked us to keep), and, for an
  anonymising rule, rows already anonymised.
- Children that go with a row (ticket events, payments, logins) are handled with it: the
  sweep deletes or anonymises them in the same chunk (services.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from rekisteri.catalogue.models import RetentionAction, RetentionAnchor
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.personal import mapped_fields
from rekisteri.interactions.models import RETAINED_MODELS, StoredFile
from rekisteri.register.models import Affiliation, Organization, Person
from rekisteri.retention.models import HoldScope, LegalHold
from rekisteri.retention.periods import Period, latest_due_anchor, start_of_day

SUPPORTED_ANCHORS = {
    RetentionAnchor.CREATED,
    RetentionAnchor.REQUEST_CLOSED,
    RetentionAnchor.BILLING_YEAR_END,
    RetentionAnchor.RELATIONSHIP_ENDED,
    RetentionAnchor.CONTACT_ENDED,
    RetentionAnchor.NEEDED,
}


@dataclass(frozen=True)
class Target:
    """One catalogue rule applied to one model."""

    rule_code: str
    category: str
    anchor: str
    period: Period
    action: str
    model: type[models.Model]
    legal_reference: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def anonymise(self) -> bool:
        return self.action == RetentionAction.ANONYMISE


@dataclass(frozen=True)
class Unapplied:
    """A rule the engine cannot apply to a model (its anchor does not date that model)."""

    rule_code: str
    model: str
    anchor: str


def retained_models() -> tuple[type[models.Model], ...]:
    return RETAINED_MODELS


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _supports(model: type[models.Model], anchor: str) -> bool:
    if anchor in (RetentionAnchor.RELATIONSHIP_ENDED, RetentionAnchor.CONTACT_ENDED):
        return _has_field(model, "organization") or _person_path(model) is not None
    if anchor == RetentionAnchor.NEEDED:
        return True
    return anchor in getattr(model, "retention_dates", {})


#: The last snapshot's targets: catalogue_snapshot() returns the same object while the
#: catalogue version is the same, and access packages ask once per category and person.
_last: tuple[Any, list[Target], list[Unapplied]] | None = None


def targets(snapshot: Any = None) -> tuple[list[Target], list[Unapplied]]:
    global _last
    snap = snapshot or catalogue_snapshot()
    if _last is not None and _last[0] is snap:
        return list(_last[1]), list(_last[2])
    out, unapplied = _build_targets(snap)
    _last = (snap, out, unapplied)
    return list(out), list(unapplied)


def _build_targets(snap: Any) -> tuple[list[Target], list[Unapplied]]:
    out: list[Target] = []
    unapplied: list[Unapplied] = []
    for model in retained_models():
        for rule in snap.retention.get(model.retention_category, []):  # type: ignore[attr-defined]
            if rule.anchor == RetentionAnchor.NEEDED:
                continue
            if rule.anchor not in SUPPORTED_ANCHORS or not _supports(model, rule.anchor):
                unapplied.append(Unapplied(rule.code, model._meta.label, rule.anchor))
                continue
            out.append(
                Target(
                    rule_code=rule.code,
                    category=rule.category.code,
                    anchor=rule.anchor,
                    period=Period.of(rule),
                    action=rule.action,
                    model=model,
                    legal_reference=rule.legal_reference,
                )
            )
    out.sort(key=lambda t: (t.rule_code, t.label))
    return out, unapplied


# --- anchors -----------------------------------------------------------------------------


def _person_path(model: type[models.Model]) -> str | None:
    path = getattr(model, "subject_path", None)
    return path or None


def ended_organizations(cutoff: date) -> QuerySet[Organization]:
    """Organisations with relationships, all of which ended on or before `cutoff`."""
    return (
        Organization.objects.filter(relationships__isnull=False)
        .exclude(relationships__end__isnull=True)
        .exclude(relationships__end__gt=cutoff)
        .values("pk")
    )


def _active_affiliations(cutoff: date) -> QuerySet[Affiliation]:
    return Affiliation.objects.filter(Q(end__isnull=True) | Q(end__gt=cutoff))


def ended_relationship_persons(cutoff: date) -> QuerySet[Person]:
    """Persons linked to organisations, whose every link ended on or before `cutoff`: the
    affiliation itself ended, or the organisation's relationship with us did."""
    live = _active_affiliations(cutoff).exclude(organization__in=ended_organizations(cutoff))
    return (
        Person.objects.filter(affiliations__isnull=False)
        .exclude(pk__in=live.values("person_id"))
        .values("pk")
    )


def ended_contact_persons(cutoff: date) -> QuerySet[Person]:
    """Persons who were an organisation's contact and are no longer, since `cutoff` or before."""
    live = _active_affiliations(cutoff).filter(is_contact_person=True)
    return (
        Person.objects.filter(affiliations__isnull=False)
        .exclude(pk__in=live.values("person_id"))
        .values("pk")
    )


def _anchor_q(target: Target, as_of: date) -> Q | None:
    """Rows whose anchor makes them due by `as_of`; None if nothing can be due."""
    cutoff = latest_due_anchor(as_of, target.period)
    model = target.model
    anchor = target.anchor
    if anchor in (RetentionAnchor.CREATED, RetentionAnchor.REQUEST_CLOSED):
        name = model.retention_dates[anchor]  # type: ignore[attr-defined]
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            return Q(**{f"{name}__lt": start_of_day(cutoff + timedelta(days=1))})
        return Q(**{f"{name}__lte": cutoff})
    if anchor == RetentionAnchor.BILLING_YEAR_END:
        # The billing year Y has ended at 1 January Y+1; due when that day + period <= as_of.
        name = model.retention_dates[anchor]  # type: ignore[attr-defined]
        return Q(**{f"{name}__lte": cutoff.year - 1})
    person_path = _person_path(model)
    if anchor == RetentionAnchor.RELATIONSHIP_ENDED:
        persons = ended_relationship_persons(cutoff)
        if _has_field(model, "organization"):
            return Q(organization__in=ended_organizations(cutoff)) | Q(
                organization__isnull=True, **{f"{person_path}__in": persons}
            )
        return Q(**{f"{person_path}__in": persons})
    if anchor == RetentionAnchor.CONTACT_ENDED:
        return Q(**{f"{person_path}__in": ended_contact_persons(cutoff)})
    return None


# --- holds -------------------------------------------------------------------------------


def active_holds(as_of: date) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gte=as_of)
    )


def held_q(model: type[models.Model], as_of: date) -> Q:
    """Rows that no rule may touch on `as_of`: legal holds and Art. 18 restriction."""
    holds = active_holds(as_of)
    q = Q()
    person_path = _person_path(model)
    if person_path:
        q |= Q(**{f"{person_path}__in": holds.filter(scope=HoldScope.PERSON).values("person_id")})
        restricted = Person.objects.filter(restricted_since__isnull=False).values("pk")
        q |= Q(**{f"{person_path}__in": restricted})
    if _has_field(model, "organization"):
        q |= Q(
            organization__in=holds.filter(scope=HoldScope.ORGANIZATION).values("organization_id")
        )
    q |= Q(
        pk__in=holds.filter(scope=HoldScope.RECORD, record_model=model._meta.label).values(
            "record_id"
        )
    )
    return q


def due_rows(target: Target, as_of: date) -> QuerySet:
    anchor = _anchor_q(target, as_of)
    manager = target.model._default_manager
    if anchor is None:
        return manager.none()
    qs = manager.filter(anchor)
    if target.anonymise and _has_field(target.model, "anonymised_at"):
        qs = qs.filter(anonymised_at__isnull=True)
    held = held_q(target.model, as_of)
    if held:
        qs = qs.exclude(held)
    return qs


# --- what a row holds --------------------------------------------------------------------


def file_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is StoredFile
    ]


def blank_values(model: type[models.Model]) -> dict[str, Any]:
    """What anonymisation writes: every mapped field blanked, the person detached."""
    out: dict[str, Any] = {}
    for mf in mapped_fields(model):
        field = model._meta.get_field(mf.name)
        if field.null:
            out[mf.name] = None
        elif field.has_default():
            out[mf.name] = field.get_default()
        elif isinstance(field, models.CharField | models.TextField):
            out[mf.name] = ""
        elif isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
            out[mf.name] = 0
        else:
            raise TypeError(f"{mf.label}: no blank value to anonymise it with")
    for name in ("person",):
        if _has_field(model, name) and model._meta.get_field(name).concrete:
            out[name] = None
    return out


def record_label(model: type[models.Model], pk: Any) -> str:
    return f"{model._meta.label}:{pk}"


def anchor_date(target: Target, row: Any) -> date | None:
    """The anchor day of one row under a rule (for listing and for retention_end)."""
    from rekisteri.retention.periods import local_date

    anchor = target.anchor
    if anchor in (RetentionAnchor.CREATED, RetentionAnchor.REQUEST_CLOSED):
        value = getattr(row, target.model.retention_dates[anchor])  # type: ignore[attr-defined]
        if value is None:
            return None
        return local_date(value) if hasattr(value, "tzinfo") else value
    if anchor == RetentionAnchor.BILLING_YEAR_END:
        year = getattr(row, target.model.retention_dates[anchor])  # type: ignore[attr-defined]
        return date(year + 1, 1, 1)
    return None
