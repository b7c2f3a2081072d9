"""Reads of the register that apply access rules and write the audit trail.

`person_detail` is the one way to look at a person: it checks the user's group companies
and purposes, drops the fields whose data category the user's purposes do not cover, and
records the look in the audit trail with its purpose.

Everything looked up by id goes through a selector here: `person_get` (404 unless the user
may see the person: their own company's, or shared with it), `person_get_to_change` (also
403 for a shared person, which is read-only), `organization_get` (404 unless the
organisation belongs to one of the user's own group companies; organisations are not
shared). Which category a field belongs to comes from the field map
(`access.selectors.category_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused, shared_refusal
from rekisteri.access.purpose import SEPARATOR, access_purpose, purposes_of
from rekisteri.access.selectors import (
    Scope,
    category_of,
    field_categories,
    person_categories,
    person_share_purposes,
    person_writable,
    persons_visible,
)
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.personal import mapped_fields
from rekisteri.common.prepared import prepared_page, prepared_rows, prepared_rows_many
from rekisteri.common.text import search_key
from rekisteri.register.models import (
    Affiliation,
    ContactKind,
    ContactPoint,
    IdentityCode,
    Organization,
    Person,
    Provenance,
    make_search_name,
    record_key,
)

#: the field that names a person: a user who may not read it sees no names
NAME_FIELD = "last_name"


def name_category() -> str:
    """The category of a person's name (the field map's)."""
    return category_of(Person, NAME_FIELD)


def person_list(*, scope: Scope, q: str = "", limit: int | None = None) -> QuerySet[Person]:
    """Persons the user may see; `q` is a name prefix ("virtanen", "virtanen m") or email prefix."""
    terms = _search_terms(scope, q)
    if terms is None:
        return Person.objects.none()
    qs = _person_search_query(scope, terms[0], *terms[1])
    return qs[:limit] if limit else qs


def person_search(*, scope: Scope, q: str = "", limit: int = 20, offset: int = 0) -> list[Person]:
    """A page of `person_list` (the same persons, in the same order), with the query compiled
    once per kind of search and scope (common.prepared): building it through the ORM cost
    ten times running it (docs/performance.md, search)."""
    terms = _search_terms(scope, q)
    if terms is None:
        return []
    kind, values = terms
    key = (
        "register.person_search",
        kind,
        scope.is_staff,
        scope.categories,
        scope.controller_ids,
        scope.shared_controller_ids,
        scope.shared_purposes,
        scope.catalogue_version,
    )
    return prepared_page(
        key,
        lambda *v: _person_search_query(scope, kind, *v),
        values,
        limit=limit,
        offset=offset,
    )


def _search_terms(scope: Scope, q: str) -> tuple[str, tuple[str, ...]] | None:
    """What kind of search `q` is and the bounds of its prefix ranges; None: nothing."""
    names = name_category()
    if not scope.is_staff or not scope.can_read(names):
        return None
    q = " ".join((q or "").strip().lower().split())
    if not q:
        return "all", ()
    contact = category_of(ContactPoint)
    if "@" in q or (scope.can_read(contact) and "." in q and " " not in q):
        if not scope.can_read(contact):
            return None
        return "email", _bounds(q)
    # Without case or accents, as the names are stored: "valily" finds "Välilyönti".
    key = search_key(q)
    parts = key.split()
    if len(parts) == 2:
        # "maija virtanen" as well as "virtanen maija"
        return "name2", (*_bounds(key), *_bounds(make_search_name(parts[0], parts[1])))
    return "name", _bounds(key)


def _bounds(prefix: str) -> tuple[str, str]:
    bounds = _prefix("v", prefix)
    return bounds["v__gte"], bounds["v__lt"]


def _person_search_query(scope: Scope, kind: str, *values: str) -> QuerySet[Person]:
    # Own group companies' persons, and those another group company shares under a purpose
    # covering their names (access.selectors).
    qs = persons_visible(Person.objects.all(), scope, categories={name_category()}).select_related(
        "controller"
    )
    if kind == "email":
        # Persons found from the (kind, value) index first: walking persons in name
        # order and probing each for a matching email would scan the whole register.
        emails = ContactPoint.objects.filter(
            kind="email", value__gte=values[0], value__lt=values[1]
        )
        qs = qs.filter(pk__in=emails.values("person_id"))
    elif kind in ("name", "name2"):
        name_q = Q(search_name__gte=values[0], search_name__lt=values[1])
        if kind == "name2":
            name_q |= Q(search_name__gte=values[2], search_name__lt=values[3])
        qs = qs.filter(name_q)
    return qs.order_by("search_name", "id")


def _prefix(field: str, prefix: str) -> dict[str, str]:
    """A prefix match as a range, so that SQLite and PostgreSQL both use the B-tree index
    (SQLite's LIKE cannot use it, being case-insensitive)."""
    return {f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"}


def organization_list(*, scope: Scope, q: str = "") -> QuerySet[Organization]:
    """The organisations of the user's own group companies. Organisations are not shared
    within the group (persons are, one by one): another company's organisation does not
    exist for the user."""
    if not scope.is_staff or not scope.controller_ids:
        return Organization.objects.none()
    qs = Organization.objects.filter(controller_id__in=scope.controller_ids).select_related(
        "controller"
    )
    q = (q or "").strip()
    if q:
        # A name prefix without case or accents (the indexed key), a business ID prefix, or
        # a part of the name (a scan, as before), all compared without case or accents.
        key = search_key(q)
        qs = qs.filter(
            Q(**_prefix("search_name", key))
            | Q(business_id__startswith=q)
            | Q(search_name__contains=key)
        )
    return qs.order_by("name", "id")


def organization_get(*, scope: Scope, organization_id: int | str) -> Organization:
    """One organisation of the user's own group companies; 404 otherwise."""
    try:
        pk = int(organization_id)
    except (TypeError, ValueError):
        raise Http404("no such organisation") from None
    org = organization_list(scope=scope).filter(pk=pk).first()
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


def person_get_to_change(*, scope: Scope, person_id: int) -> Person:
    """The person, for a page or operation that changes them: 404 as `person_get`, and 403
    for a person another group company shares with the user (read-only: the owning company
    keeps the record accurate)."""
    person = person_get(scope=scope, person_id=person_id)
    if not person_writable(scope, person):
        raise shared_refusal()
    return person


def person_get_with(*, scope: Scope, person_id: int, categories: Iterable[str]) -> Person:
    """The person, when the user may read all of these categories of theirs; 404 otherwise
    (a page made of data the user may not see does not exist for them)."""
    person = person_get(scope=scope, person_id=person_id)
    if not frozenset(categories) <= person_categories(scope, person):
        raise Http404("no such person")
    return person


def purpose_for(
    scope: Scope,
    categories: Iterable[str],
    *,
    person: Person | None = None,
    capability: str = "",
    given: str = "",
) -> str:
    """The purpose an access to these categories (of this person) served, for the audit
    trail and provenance.

    `access.purpose.access_purpose` over the purposes the user holds for the person (their
    own, or those the person is shared under): those covering the categories and the
    capability used. A user sees a category because one of their purposes covers it, not
    necessarily one that covers the page's capability (a marketer's web visits on a
    timeline come from profiling): then the purposes covering the categories are recorded.
    A page that shows categories no single purpose covers served each purpose that covers
    one of them: all are recorded."""
    shown = sorted(set(categories))
    purposes = (
        None
        if person is None or person_writable(scope, person)
        else person_share_purposes(scope, person)
    )
    try:
        return access_purpose(scope, shown, capability=capability, given=given, purposes=purposes)
    except ProcessingRefused:
        if given:
            raise
    try:
        return access_purpose(scope, shown, purposes=purposes)
    except ProcessingRefused:
        if len(shown) < 2:
            raise
    found: set[str] = set()
    for category in shown:
        found.update(purposes_of(access_purpose(scope, [category], purposes=purposes)))
    ordered = [
        code for code in catalogue_snapshot(scope.catalogue_version).purposes if code in found
    ]
    out = ""
    for code in ordered:  # whole codes only: the audit column is short
        joined = f"{out}{SEPARATOR}{code}" if out else code
        if len(joined) > 64:
            break
        out = joined
    return out


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
    """The person's data the user may read, audited. With a stated `purpose` (one of the
    user's), only the categories that purpose covers: the look is for that purpose."""
    person = person_get(scope=scope, person_id=person_id)
    categories = person_categories(scope, person)
    if purpose:
        info = catalogue_snapshot(scope.catalogue_version).purposes.get(purpose)
        if info is None or purpose not in scope.purposes:
            raise ProcessingRefused(
                _("Your role does not serve the purpose you named."), code="purpose"
            )
        categories = categories & info.categories
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
    contact, link, code = (category_of(m) for m in (ContactPoint, Affiliation, IdentityCode))
    lists: list[tuple[str, type[Model], tuple[str, ...]]] = [
        (name, model, related)
        for name, model, related, category in (
            ("contact_points", ContactPoint, (), contact),
            ("affiliations", Affiliation, ("organization",), link),
            ("identity_codes", IdentityCode, (), code),
            ("provenance", Provenance, (), None),
        )
        if category is None or category in categories
    ]
    # The lists the user may read, in one round trip on PostgreSQL.
    for (name, _model, _related), rows in zip(
        lists, _rows_of_person_many([(m, r) for _n, m, r in lists], person), strict=True
    ):
        setattr(detail, name, rows)
    detail.provenance = [p for p in detail.provenance if _provenance_visible(p, categories)]
    all_categories = {m.category for m in mapped_fields(Person)} | {contact, link, code}
    detail.hidden_categories = sorted(all_categories - set(categories))
    shown = sorted(
        {f.category for f in fields}
        | ({contact} if detail.contact_points else set())
        | ({link} if detail.affiliations else set())
        | ({code} if detail.identity_codes else set())
    )
    audit_record(
        actor=actor,
        action=AuditAction.OPEN_FROM_SEARCH if from_search else AuditAction.VIEW,
        person_id=person.pk,
        record=record_key(person),
        categories=shown,
        purpose=purpose_for(scope, shown, person=person, given=purpose),
        detail=scope.audit_detail(),
    )
    return detail


def _rows_of_person(model: type[Model], person: Person, *related: str) -> list[Any]:
    """`list(model.objects.filter(person=person).select_related(*related))`, in the model's
    order, with the query compiled once per process (common.prepared)."""
    return _rows_of_person_many([(model, related)], person)[0]


def _rows_of_person_many(
    jobs: list[tuple[type[Model], tuple[str, ...]]], person: Person
) -> list[list[Any]]:
    """`_rows_of_person` for several models (one pipeline on PostgreSQL)."""

    def builder(model: type[Model], related: tuple[str, ...]) -> Callable[[int], QuerySet]:
        def build(person_id: int) -> QuerySet:
            qs = model._default_manager.filter(person_id=person_id)
            # (select_related() without names would follow every foreign key)
            return qs.select_related(*related) if related else qs

        return build

    out = prepared_rows_many(
        [
            (("register.person_rows", model._meta.label, related), builder(model, related))
            for model, related in jobs
        ],
        person.pk,
    )
    for (model, _related), rows in zip(jobs, out, strict=True):
        person_field = model._meta.get_field("person")
        for obj in rows:
            person_field.set_cached_value(obj, person)  # as the related manager does
    return out


def _provenance_visible(p: Provenance, categories: frozenset[str]) -> bool:
    """Provenance tells what was collected about the person: shown only when the user may
    read the categories of the fields it names (of the whole record when it names none
    mapped; never for a record the field map does not know)."""
    mapped = field_categories(p.record.split(":", 1)[0])
    if not mapped:
        return False
    named = {mapped[f] for f in p.fields if f in mapped} or set(mapped.values())
    return named <= categories


def organization_affiliations(*, scope: Scope, organization: Organization) -> QuerySet[Affiliation]:
    """The organisation's persons (through their affiliations) that the user may see listed:
    those of whom the user may read the name and the link to the organisation."""
    needed = {name_category(), category_of(Affiliation)}
    return (
        persons_visible(
            Affiliation.objects.filter(organization=organization),
            scope,
            "person",
            categories=needed,
        )
        .select_related("person")
        .order_by("person__search_name", "id")
    )


@dataclass(frozen=True)
class ListColumns:
    """What the person list may show beside the names: the columns the user's categories
    allow, and for the persons on the page their email and current organisation."""

    email: bool
    organization: bool
    values: dict[int, dict[str, str]] = field(default_factory=dict)


def person_list_columns(
    *, scope: Scope, actor: Actor | None = None, person_ids: Iterable[int] = ()
) -> ListColumns:
    """The email and organisation columns of the person list, for the persons on one page.

    A column is there when the user's purposes cover its category at all; a value is shown
    only for a person of whom the user may read that category (a person shared by another
    group company under a purpose that does not cover it shows an empty cell)."""
    contact = category_of(ContactPoint, "value")
    link = category_of(Affiliation, "title")
    cols = ListColumns(email=scope.can_read(contact), organization=scope.can_read(link))
    ids = list(person_ids)
    if not ids:
        return cols
    values: dict[int, dict[str, str]] = {pid: {} for pid in ids}
    if cols.email:
        emails = persons_visible(
            ContactPoint.objects.filter(person_id__in=ids, kind=ContactKind.EMAIL),
            scope,
            categories=[contact],
        ).order_by("person_id", "-primary", "id")
        for person_id, value in emails.values_list("person_id", "value"):
            values[person_id].setdefault("email", value)
    if cols.organization:
        links = persons_visible(
            Affiliation.objects.filter(person_id__in=ids, end__isnull=True),
            scope,
            categories=[link],
        ).order_by("person_id", "-is_contact_person", "id")
        for person_id, name in links.values_list("person_id", "organization__name"):
            values[person_id].setdefault("organization", name)
    shown = {pid: v for pid, v in values.items() if v}
    if actor is not None and shown:
        categories = sorted(
            ({contact} if any("email" in v for v in shown.values()) else set())
            | ({link} if any("organization" in v for v in shown.values()) else set())
        )
        audit_record(
            actor=actor,
            action=AuditAction.LIST,
            person_ids=sorted(shown),
            record="register.person_list",
            categories=categories,
            purpose=purpose_for(scope, categories, capability=Cap.KEEP_REGISTER),
            detail=scope.audit_detail(items=len(shown)),
        )
    return ListColumns(cols.email, cols.organization, values)
