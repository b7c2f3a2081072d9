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
  row's organisation's relationships have all ended; without an organisation, the person's
  relationship ended: see ended_relationship_persons), `contact_ended` (the person has no
  live link to any organisation: see ended_contact_persons), `needed` (never due).
- Combined anchors: the period runs from the later (`later_of`) or the earlier
  (`earlier_of`) of several anchors' days. "later day + P <= as_of" is "every anchor day <=
  the cutoff", "earlier day + P <= as_of" is "some anchor day <= the cutoff": the anchors'
  conditions joined with AND / OR, still one set-based condition. A combined rule applies
  to a model only if every one of its anchors dates that model.
- While-conditions (`while_any`): a row whose person satisfies any of them is not due,
  whatever its dates (retention/conditions.py: EXISTS subqueries, the same conditions the
  per-person evaluation asks; retention/evaluation.py dates one person's data the same way).
- Register data: contact points (`contact`) and affiliations (`organisation_link`) go by the
  rules of their categories like interaction rows; the person row itself (`basic`) only by a
  deleting `relationship_ended` rule, and not before every longer legally kept rule with the
  same anchor (KYC, identity codes) is due for the data of those categories the person has.
  The sweep records the contact and relationship end days on the person before it deletes
  the affiliations they were computed from (record_link_ends).
- Never due, whatever the rule: rows under an active legal hold (on the person, the
  organisation or the record), rows of a person whose processing is restricted (Art. 18:
  stored only, which includes not destroying what they asked us to keep), and, for an
  anonymising rule, rows already anonymised.
- Children that go with a row (ticket events, payments, logins) are handled with it: the
  sweep deletes or anonymises them in the same chunk (services.py).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models
from django.db.models import Q, QuerySet

from rekisteri.access.selectors import category_of
from rekisteri.catalogue.models import RetentionAction, RetentionAnchor
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.personal import mapped_fields
from rekisteri.interactions.models import RETAINED_MODELS, StoredFile
from rekisteri.register.models import Affiliation, ContactPoint, Organization, Person
from rekisteri.retention.conditions import ended_organizations as _ended_organizations
from rekisteri.retention.conditions import kept_while_q, live_affiliations
from rekisteri.retention.models import HoldScope, LegalHold
from rekisteri.retention.periods import Period, latest_due_anchor, start_of_day

T = TypeVar("T")

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
    #: the one anchor, or for a combined rule its `combine` keyword
    anchor: str
    period: Period
    action: str
    model: type[models.Model]
    #: the law that keeps the data, {fi, sv, en} ({} if none)
    legal_reference: dict[str, str] = field(default_factory=dict)
    #: the anchors whose days start the period (one, unless `combine` is set)
    anchors: tuple[str, ...] = ()
    #: "", "later_of" or "earlier_of"
    combine: str = ""
    #: while-conditions (catalogue.conditions) that keep the rows whatever their dates
    while_any: tuple[str, ...] = ()

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


#: Register models and the one category whose rule each follows (their other fields go
#: with the row: a contact point's verification date, the person's flags and names).
REGISTER_CATEGORIES: dict[type[models.Model], str] = {
    ContactPoint: category_of(ContactPoint, "value"),
    Affiliation: category_of(Affiliation, "is_contact_person"),
    Person: category_of(Person, "first_name"),
}


def retained_models() -> tuple[type[models.Model], ...]:
    return (*RETAINED_MODELS, *REGISTER_CATEGORIES)


def retention_category(model: type[models.Model]) -> str:
    return getattr(model, "retention_category", "") or REGISTER_CATEGORIES.get(model, "")


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _supports(model: type[models.Model], anchor: str, action: str = "") -> bool:
    if model is Person:
        # The person row goes whole (with what cascades from it), counted from the end of
        # the relationship; it cannot be anonymised in place.
        return anchor == RetentionAnchor.RELATIONSHIP_ENDED and action == RetentionAction.DELETE
    if model in REGISTER_CATEGORIES and action != RetentionAction.DELETE:
        return False  # a contact point or a link without its person means nothing
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
        for rule in snap.retention.get(retention_category(model), []):
            anchors = tuple(rule.anchors) or (rule.anchor,)
            if anchors == (RetentionAnchor.NEEDED,):
                continue
            if not applies(model, anchors, rule.action, combined=bool(rule.combine)):
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
                    anchors=anchors,
                    combine=rule.combine,
                    while_any=tuple(rule.while_any),
                )
            )
    out.sort(key=lambda t: (t.rule_code, t.label))
    return out, unapplied


def applies(
    model: type[models.Model], anchors: tuple[str, ...], action: str, *, combined: bool
) -> bool:
    """Whether a rule with these anchors can date (and act on) rows of `model`."""
    if combined and model is Person:
        return False  # the person row goes only by its one relationship_ended rule
    return all(a in SUPPORTED_ANCHORS and _supports(model, a, action) for a in anchors)


# --- anchors -----------------------------------------------------------------------------


def _person_path(model: type[models.Model]) -> str | None:
    path = getattr(model, "subject_path", None)
    return path or None


def ended_organizations(cutoff: date) -> QuerySet[Organization]:
    """Organisations with relationships, all of which ended on or before `cutoff`."""
    return _ended_organizations(cutoff)


def _active_affiliations(cutoff: date) -> QuerySet[Affiliation]:
    return live_affiliations(cutoff)


def _activity_models() -> list[type[models.Model]]:
    """Interaction models whose rows date a person's dealings with us (`occurred_at`)."""
    return [
        m
        for m in RETAINED_MODELS
        if _has_field(m, "occurred_at")
        and _has_field(m, "person")
        and m._meta.get_field("person").related_model is Person
    ]


def active_after(cutoff: date) -> Q:
    """Persons with an interaction after `cutoff` (a later dealing restarts the clock)."""
    after = start_of_day(cutoff + timedelta(days=1))
    q = Q(pk__in=[])
    for model in _activity_models():
        q |= Q(
            pk__in=model._default_manager.filter(
                occurred_at__gte=after, person__isnull=False
            ).values("person_id")
        )
    return q


def ended_relationship_persons(cutoff: date) -> QuerySet[Person]:
    """Persons whose relationship with us ended on or before `cutoff`.

    - Linked to organisations: every link ended by `cutoff` (the affiliation itself ended,
      or the organisation's relationship with us did).
    - Without links (consumers, attendees; and former contacts whose links the sweep
      deleted): the latest of the day they were recorded, the relationship end the sweep
      recorded (`relationship_ended_on`) and their last interaction is on or before `cutoff`.
    """
    live = _active_affiliations(cutoff).exclude(organization__in=ended_organizations(cutoff))
    linked = Affiliation.objects.values("person_id")
    unlinked = (
        Q(created_at__lt=start_of_day(cutoff + timedelta(days=1)))
        & (Q(relationship_ended_on__isnull=True) | Q(relationship_ended_on__lte=cutoff))
        & ~active_after(cutoff)
    )
    return (
        Person.objects.exclude(pk__in=live.values("person_id"))
        .filter(Q(pk__in=linked) | (~Q(pk__in=linked) & unlinked))
        .values("pk")
    )


def ended_contact_persons(cutoff: date) -> QuerySet[Person]:
    """Persons who were an organisation's contact and are no longer, since `cutoff` or before:
    they have affiliations and every one ended by `cutoff`; or the sweep already deleted them
    and recorded the day (`contact_ended_on`)."""
    live = _active_affiliations(cutoff)
    return (
        Person.objects.exclude(pk__in=live.values("person_id"))
        .filter(Q(pk__in=Affiliation.objects.values("person_id")) | Q(contact_ended_on__lte=cutoff))
        .values("pk")
    )


def _category_holders(category: str) -> Q:
    """Persons who have data of `category` (per the field map): a row of a model whose
    fields are of it, or a Person field of it set to something other than its default."""
    from rekisteri.common.personal import personal_models

    q = Q(pk__in=[])
    for model in personal_models():
        fields = [f for f in mapped_fields(model) if f.category == category]
        if not fields:
            continue
        if model is Person:
            for f in fields:
                field = Person._meta.get_field(f.name)
                if field.null:
                    q |= Q(**{f"{f.name}__isnull": False})
                else:
                    q |= ~Q(**{f.name: field.get_default()})
        elif model.subject_path:  # type: ignore[attr-defined]
            q |= Q(pk__in=model._default_manager.values(model.subject_path))  # type: ignore[attr-defined]
    return q


def _person_q(target: Target, as_of: date, cutoff: date) -> Q:
    """Person rows due under the basic rule: relationship ended by `cutoff`, and for every
    other deleting relationship_ended rule that names a law (KYC, identity codes), either
    the person has none of its data or that rule is due as well."""
    q = Q(pk__in=ended_relationship_persons(cutoff))
    for rules in catalogue_snapshot().retention.values():
        for rule in rules:
            if (
                rule.category.code == target.category
                or rule.anchor != RetentionAnchor.RELATIONSHIP_ENDED
                or not rule.legal_reference
            ):
                continue
            longer = latest_due_anchor(as_of, Period.of(rule))
            q &= ~_category_holders(rule.category.code) | Q(
                pk__in=ended_relationship_persons(longer)
            )
    return q


def _anchor_q(target: Target, as_of: date) -> Q | None:
    """Rows whose anchor (or combined anchors) make them due by `as_of`; None if nothing
    can be due. later_of: every anchor's day is on or before the cutoff (an anchor that has
    not happened makes nothing due); earlier_of: some anchor's day is."""
    cutoff = latest_due_anchor(as_of, target.period)
    anchors = target.anchors or (target.anchor,)
    if not target.combine:
        return _single_anchor_q(target, anchors[0], as_of, cutoff)
    parts = [_single_anchor_q(target, a, as_of, cutoff) for a in anchors]
    if target.combine == "later_of":
        if any(p is None for p in parts):
            return None
        q = Q()
        for p in parts:
            q &= p  # type: ignore[operator]
        return q
    present = [p for p in parts if p is not None]
    if not present:
        return None
    q = present[0]
    for p in present[1:]:
        q |= p
    return q


def _single_anchor_q(target: Target, anchor: str, as_of: date, cutoff: date) -> Q | None:
    """Rows of the target's model whose `anchor` day is on or before `cutoff`."""
    model = target.model
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
    if model is Person:
        return (
            _person_q(target, as_of, cutoff)
            if anchor == RetentionAnchor.RELATIONSHIP_ENDED
            else None
        )
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
    person_path = "pk" if model is Person else _person_path(model)
    if person_path:
        q |= Q(**{f"{person_path}__in": holds.filter(scope=HoldScope.PERSON).values("person_id")})
        restricted = Person.objects.filter(restricted_since__isnull=False).values("pk")
        q |= Q(**{f"{person_path}__in": restricted})
    if model in REGISTER_CATEGORIES:
        # A hold on an organisation keeps the register data of its people; a hold on one
        # record keeps its person (deleting the person would delete or detach the record).
        org_held = holds.filter(scope=HoldScope.ORGANIZATION).values("organization_id")
        q |= Q(
            **{
                f"{person_path}__in": Affiliation.objects.filter(organization__in=org_held).values(
                    "person_id"
                )
            }
        )
        if model is Person:
            q |= _record_hold_persons(holds)
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


def _record_hold_persons(holds: QuerySet[LegalHold]) -> Q:
    from django.apps import apps

    q = Q()
    by_model: dict[str, list[int]] = {}
    for label, pk in holds.filter(scope=HoldScope.RECORD).values_list("record_model", "record_id"):
        by_model.setdefault(label, []).append(pk)
    for label, pks in by_model.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        path = getattr(model, "subject_path", None)
        if path:
            q |= Q(pk__in=model._default_manager.filter(pk__in=pks).values(path))
        elif model is Person:
            q |= Q(pk__in=pks)
    return q


#: A work_mem value as PostgreSQL shows and accepts it; nothing else is put into SET.
_WORK_MEM = re.compile(r"\d+(kB|MB|GB)")


class AntiJoinMemory:
    """PostgreSQL: enough `work_mem` for the due conditions' anti-joins to be hashed.

    The conditions exclude persons with `NOT IN (SELECT person_id FROM <a table of millions
    of rows>)`. When the planner estimates that such a set does not fit in `work_mem` (4 MB
    by default), it cannot hash it and instead scans a materialised list for every row: at
    1,000,000 persons and 10,000,000 interactions the sweep's first query did not finish in
    12 minutes (docs/performance.md). The memory is only used as far as the sets need it.
    Session-level, restored on exit; nothing on SQLite, which always builds an index for IN.
    """

    def __enter__(self) -> AntiJoinMemory:
        self.old: str | None = None
        value = str(getattr(settings, "RETENTION_PG_WORK_MEM", "") or "")
        if connection.vendor == "postgresql" and _WORK_MEM.fullmatch(value):
            with connection.cursor() as cursor:
                cursor.execute("SHOW work_mem")
                self.old = cursor.fetchone()[0]
                cursor.execute(f"SET work_mem = '{value}'")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.old is not None and _WORK_MEM.fullmatch(self.old):
            with contextlib.suppress(Exception), connection.cursor() as cursor:
                cursor.execute(f"SET work_mem = '{self.old}'")


def with_anti_join_memory(func: Callable[..., T]) -> Callable[..., T]:
    """Run `func` inside AntiJoinMemory (a fresh one per call)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with AntiJoinMemory():
            return func(*args, **kwargs)

    return wrapper


def due_rows(target: Target, as_of: date) -> QuerySet:
    anchor = _anchor_q(target, as_of)
    manager = target.model._default_manager
    if anchor is None:
        return manager.none()
    qs = manager.filter(anchor)
    if target.anonymise and _has_field(target.model, "anonymised_at"):
        qs = qs.filter(anonymised_at__isnull=True)
    kept = kept_while_q(
        "pk" if target.model is Person else _person_path(target.model), target.while_any, as_of
    )
    if kept is not None:
        qs = qs.exclude(kept)
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


def anchor_date(model: type[models.Model], anchor: str, row: Any) -> date | None:
    """The day one row's own `anchor` falls on (created, request closed, billing year end);
    None for anchors not dated by the row itself or not yet happened."""
    from rekisteri.retention.periods import local_date

    if anchor in (RetentionAnchor.CREATED, RetentionAnchor.REQUEST_CLOSED):
        value = getattr(row, model.retention_dates[anchor])  # type: ignore[attr-defined]
        if value is None:
            return None
        return local_date(value) if hasattr(value, "tzinfo") else value
    if anchor == RetentionAnchor.BILLING_YEAR_END:
        year = getattr(row, model.retention_dates[anchor])  # type: ignore[attr-defined]
        return None if year is None else date(year + 1, 1, 1)
    return None


# --- register anchors ----------------------------------------------------------------------


def record_link_ends(affiliations: QuerySet[Affiliation]) -> int:
    """Before the sweep deletes these affiliations: record on each of their persons the day
    the contact ended (the last affiliation's end) and the day the relationship ended (per
    link, the earlier of the affiliation's end and its organisation's last relationship end;
    the latest of those). An earlier recorded day is only ever moved later."""
    from rekisteri.register.models import OrganizationRelationship

    person_ids = set(affiliations.values_list("person_id", flat=True))
    if not person_ids:
        return 0
    links = list(
        Affiliation.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "organization_id", "end"
        )
    )
    org_ends: dict[int, date | None] = {}
    rels: dict[int, list[date | None]] = {}
    for org_id, end in OrganizationRelationship.objects.filter(
        organization_id__in={o for _, o, _ in links}
    ).values_list("organization_id", "end"):
        rels.setdefault(org_id, []).append(end)
    for org_id, ends in rels.items():
        org_ends[org_id] = max(ends) if all(ends) else None  # type: ignore[type-var]
    contact: dict[int, date] = {}
    relationship: dict[int, date] = {}
    for pid, org_id, end in links:
        if end is None:
            continue  # a live link: this person's affiliations are not all due
        contact[pid] = max(contact.get(pid, end), end)
        rel_end = min(d for d in (end, org_ends.get(org_id)) if d is not None)
        relationship[pid] = max(relationship.get(pid, rel_end), rel_end)
    updated = 0
    for person in Person.objects.filter(pk__in=contact).only(
        "pk", "contact_ended_on", "relationship_ended_on"
    ):
        c = max(d for d in (person.contact_ended_on, contact[person.pk]) if d)
        r = max(d for d in (person.relationship_ended_on, relationship[person.pk]) if d)
        if (c, r) != (person.contact_ended_on, person.relationship_ended_on):
            updated += Person.objects.filter(pk=person.pk).update(
                contact_ended_on=c, relationship_ended_on=r
            )
    return updated
