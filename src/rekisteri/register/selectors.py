"""Reads of the register that apply access rules and write the audit trail.

`person_detail` is the one way to look at a person: it checks the user's group companies
and purposes, drops the fields whose data category the user's purposes do not cover, and
records the look in the audit trail with its purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from rekisteri.access.selectors import Scope, person_categories, persons_visible
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.common.personal import mapped_fields
from rekisteri.common.prepared import prepared_rows
from rekisteri.register.models import (
    Affiliation,
    ContactPoint,
    IdentityCode,
    Organization,
    Person,
    Provenance,
    make_search_name,
    record_key,
)


def person_list(*, scope: Scope, q: str = "", limit: int | None = None) -> QuerySet[Person]:
    """Persons the user may see; `q` is a name prefix ("virtanen", "virtanen m") or email prefix."""
    if not scope.is_staff or "basic" not in scope.categories:
        return Person.objects.none()
    # Own group companies' persons, and those another group company shares (access.selectors).
    qs = persons_visible(Person.objects.all(), scope).select_related("controller")
    q = " ".join((q or "").strip().lower().split())
    if q:
        if "@" in q or (scope.can_read("contact") and "." in q and " " not in q):
            if not scope.can_read("contact"):
                return Person.objects.none()
            # Persons found from the (kind, value) index first: walking persons in name
            # order and probing each for a matching email would scan the whole register.
            emails = ContactPoint.objects.filter(kind="email", **_prefix("value", q))
            qs = qs.filter(pk__in=emails.values("person_id"))
        else:
            parts = q.split()
            name_q = Q(**_prefix("search_name", q))
            if len(parts) == 2:
                # "maija virtanen" as well as "virtanen maija"
                name_q |= Q(**_prefix("search_name", make_search_name(parts[0], parts[1])))
            qs = qs.filter(name_q)
    qs = qs.order_by("search_name", "id")
    return qs[:limit] if limit else qs


def _prefix(field: str, prefix: str) -> dict[str, str]:
    """A prefix match as a range, so that SQLite and PostgreSQL both use the B-tree index
    (SQLite's LIKE cannot use it, being case-insensitive)."""
    return {f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"}


def organization_list(*, scope: Scope, q: str = "") -> QuerySet[Organization]:
    if not scope.is_staff:
        return Organization.objects.none()
    qs = Organization.objects.filter(
        controller_id__in=scope.visible_controller_ids()
    ).select_related("controller")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__istartswith=q) | Q(business_id__startswith=q) | Q(name__icontains=q))
    return qs.order_by("name", "id")


def organization_get(*, scope: Scope, organization_id: int) -> Organization:
    org = organization_list(scope=scope).filter(pk=organization_id).first()
    if org is None:
        raise Http404("no such organisation")
    return org


def person_get(*, scope: Scope, person_id: int) -> Person:
    """The person, if the user may see them at all; 404 otherwise (no hint that they exist)."""

    def build(pk: int) -> QuerySet[Person]:
        return persons_visible(Person.objects.filter(pk=pk), scope).select_related("controller")[:1]

    # The query's shape and other parameters depend only on these parts of the scope.
    key = (
        "register.person_get",
        scope.is_staff,
        scope.controller_ids,
        scope.shared_controller_ids,
        scope.shared_purposes,
    )
    rows = prepared_rows(key, build, int(person_id))
    person = rows[0] if rows else None
    if person is None or not scope.is_staff:
        raise Http404("no such person")
    return person


@dataclass
class FieldValue:
    name: str
    label: str
    category: str
    value: Any


@dataclass
class PersonDetail:
    person: Person
    fields: list[FieldValue]
    categories: frozenset[str]
    contact_points: list[ContactPoint] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    identity_codes: list[IdentityCode] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)
    hidden_categories: list[str] = field(default_factory=list)

    @property
    def restricted(self) -> bool:
        return self.person.restricted

    def value(self, name: str) -> Any:
        return next((f.value for f in self.fields if f.name == name), None)


def person_detail(
    *, scope: Scope, actor: Actor, person_id: int, purpose: str = "", from_search: bool = False
) -> PersonDetail:
    person = person_get(scope=scope, person_id=person_id)
    categories = person_categories(scope, person)
    fields = [
        FieldValue(
            m.name,
            str(Person._meta.get_field(m.name).verbose_name),
            m.category,
            getattr(person, m.name),
        )
        for m in mapped_fields(Person)
        if m.category in categories and m.name != "search_name"
    ]
    detail = PersonDetail(person=person, fields=fields, categories=categories)
    if "contact" in categories:
        detail.contact_points = _rows_of_person(ContactPoint, person)
    if "organisation_link" in categories:
        detail.affiliations = _rows_of_person(Affiliation, person, "organization")
    if "identity_code" in categories:
        detail.identity_codes = _rows_of_person(IdentityCode, person)
    detail.provenance = [
        p for p in _rows_of_person(Provenance, person) if _provenance_visible(p, categories)
    ]
    all_categories = {m.category for m in mapped_fields(Person)} | {
        "contact",
        "organisation_link",
        "identity_code",
    }
    detail.hidden_categories = sorted(all_categories - set(categories))
    shown = sorted(
        {f.category for f in fields}
        | ({"contact"} if detail.contact_points else set())
        | ({"organisation_link"} if detail.affiliations else set())
        | ({"identity_code"} if detail.identity_codes else set())
    )
    audit_record(
        actor=actor,
        action=AuditAction.OPEN_FROM_SEARCH if from_search else AuditAction.VIEW,
        person_id=person.pk,
        record=record_key(person),
        categories=shown,
        purpose=purpose or _default_purpose(scope, shown),
    )
    return detail


def _rows_of_person(model: type[Model], person: Person, *related: str) -> list[Any]:
    """`list(model.objects.filter(person=person).select_related(*related))`, in the model's
    order, with the query compiled once per process (common.prepared)."""

    def build(person_id: int) -> QuerySet:
        qs = model._default_manager.filter(person_id=person_id)
        # (select_related() without names would follow every foreign key)
        return qs.select_related(*related) if related else qs

    rows = prepared_rows(("register.person_rows", model._meta.label, related), build, person.pk)
    person_field = model._meta.get_field("person")
    for obj in rows:
        person_field.set_cached_value(obj, person)  # as the related manager does
    return rows


_RECORD_CATEGORY = {
    "register.ContactPoint": "contact",
    "register.Affiliation": "organisation_link",
    "register.IdentityCode": "identity_code",
}


def _provenance_visible(p: Provenance, categories: frozenset[str]) -> bool:
    label = p.record.split(":", 1)[0]
    return _RECORD_CATEGORY.get(label, "basic") in categories


def _default_purpose(scope: Scope, categories: list[str]) -> str:
    """The first of the user's purposes that covers what was shown."""
    from rekisteri.catalogue.selectors import catalogue_snapshot

    snap = catalogue_snapshot(scope.catalogue_version)
    for code in sorted(scope.purposes):
        if code in snap.purposes and set(categories) <= snap.purposes[code].categories:
            return code
    return sorted(scope.purposes)[0] if scope.purposes else ""


def organization_affiliations(*, scope: Scope, organization: Organization) -> QuerySet[Affiliation]:
    """The organisation's persons (through their affiliations) that the user may see listed."""
    allowed = scope.categories_for(organization.controller_id)
    if not {"basic", "organisation_link"} <= allowed:
        return Affiliation.objects.none()
    return (
        persons_visible(Affiliation.objects.filter(organization=organization), scope, "person")
        .select_related("person")
        .order_by("person__search_name", "id")
    )
