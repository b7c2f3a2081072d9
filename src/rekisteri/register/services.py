"""Writes to the register. Each runs in one transaction with its audit event and provenance.

Every write takes the scope it is done in, never optional: a staff user's
(`access.selectors.scope_for`) or, for work nobody does by hand (an import, the demo data),
`access.selectors.system_scope(reason)`, whose reason goes into the audit event. The
purpose recorded with the data is the one the caller states (one of the scope's purposes)
or the one the scope's purposes give for the categories written (`selectors.purpose_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
from rekisteri.access.purpose import purposes_of
from rekisteri.access.selectors import Scope, category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.models import SourceKind
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.crypto import encrypt_field, keyed_hash
from rekisteri.common.personal import mapped_fields
from rekisteri.jobs.queue import enqueue
from rekisteri.register.inputs import (
    IDENTITY_CODE,
    Cleaned,
    InputError,
    clean_organization,
    clean_person,
)
from rekisteri.register.locks import lock_register
from rekisteri.register.models import (
    Affiliation,
    ContactKind,
    ContactPoint,
    Controller,
    IdentityCode,
    Organization,
    OrganizationProvenance,
    OrganizationRelationship,
    Person,
    Provenance,
    RelationshipKind,
    record_key,
)
from rekisteri.register.policies import identity_country_of, register_policy_errors
from rekisteri.register.selectors import purpose_for
from rekisteri.register.validators import mask_identity_code

PERSON_EDITABLE = (
    "first_name",
    "last_name",
    "title",
    "language",
    "nationality",
    "is_contact_person",
    "is_consumer",
    "is_event_attendee",
    "is_service_user",
)
ORG_EDITABLE = (
    "name",
    "business_id",
    "country",
    "street",
    "postal_code",
    "city",
    "website",
    "industry",
)


#: The worker's job that screens persons and organisations against the sanctions and PEP
#: lists (rekisteri.screening sits above the register, so the register queues it by name).
SCREENING_JOB = "screening-subjects"
#: ids per queued screening job (an import of many persons queues several)
SCREENING_BATCH = 1000
#: the data whose change asks for a new screening (names, nationality; the identity code,
#: which states the birth date, is queued by identity_code_set)
PERSON_SCREENED = frozenset({"first_name", "last_name", "nationality"})
ORG_SCREENED = frozenset({"name", "country"})


def screening_queue(*, person_ids: Any = (), organization_ids: Any = ()) -> None:
    """Queue screening of these persons and organisations for the worker, in the caller's
    transaction: a write that is rolled back queues nothing (docs/screening.md). With no
    list loaded there is nothing to screen against: nothing is queued, and loading a list
    re-screens everyone (the lists-changed job)."""
    from rekisteri.watchlists.models import ListVersion

    persons, orgs = sorted(set(person_ids)), sorted(set(organization_ids))
    if not (persons or orgs) or not ListVersion.objects.filter(is_current=True).exists():
        return
    for i in range(0, len(persons), SCREENING_BATCH):
        enqueue(SCREENING_JOB, kwargs={"person_ids": persons[i : i + SCREENING_BATCH]})
    for i in range(0, len(orgs), SCREENING_BATCH):
        enqueue(SCREENING_JOB, kwargs={"organization_ids": orgs[i : i + SCREENING_BATCH]})


@dataclass(frozen=True)
class SourceRef:
    """Where data came from: one of the catalogue's source kinds, a name, and the purpose
    it was collected for ("": the purpose the writer's scope gives for it)."""

    kind: str = SourceKind.DATA_SUBJECT
    name: str = ""
    purpose: str = ""


def _category_map(model: type) -> dict[str, str]:
    return {f.name: f.category for f in mapped_fields(model)}


def provenance_add(
    *, person: Person, obj: Any, fields: list[str], source: SourceRef, actor: Actor, at: Any = None
) -> Provenance:
    return Provenance.objects.create(
        person=person,
        record=record_key(obj),
        fields=sorted(fields),
        source_kind=source.kind,
        source_name=source.name,
        collected_at=at or timezone.now(),
        recorded_by=actor.name,
        purpose=source.purpose,
    )


def organization_provenance_add(
    *,
    organization: Organization,
    fields: list[str],
    source: SourceRef,
    actor: Actor,
    at: Any = None,
) -> OrganizationProvenance | None:
    """Record where these fields of an organisation came from (nothing when none changed).
    Enrichment from a public register compares these dates with the register's own."""
    if not fields:
        return None
    return OrganizationProvenance.objects.create(
        organization=organization,
        fields=sorted(fields),
        source_kind=source.kind,
        source_name=source.name,
        collected_at=at or timezone.now(),
        recorded_by=actor.name,
    )


def identity_code_hash(code: str) -> str:
    return keyed_hash(code, purpose="identity-code")


def _require(scope: Scope, controller_id: int, categories: set[str]) -> None:
    if not scope.is_staff or controller_id not in scope.controller_ids:
        raise ProcessingRefused("You are not staff of this group company.", code="controller")
    missing = categories - set(scope.categories)
    if missing:
        raise ProcessingRefused(
            "Your role's purposes do not cover these data categories: "
            + ", ".join(sorted(missing)),
            code="category",
        )


def _purpose(scope: Scope, categories: set[str], stated: str, person: Person | None = None) -> str:
    """The purpose a write is done for: the one stated (which must be one of the scope's),
    else the one the scope's purposes give for these categories."""
    if stated:
        if not set(purposes_of(stated)) <= scope.purposes:
            raise ProcessingRefused(
                "Your role does not serve the purpose you named.", code="purpose"
            )
        return stated
    return purpose_for(scope, categories, person=person, capability=Cap.KEEP_REGISTER)


def _with_purpose(source: SourceRef, purpose: str) -> SourceRef:
    return SourceRef(kind=source.kind, name=source.name, purpose=purpose)


@transaction.atomic
def organization_create(
    *,
    actor: Actor,
    controller: Controller,
    data: dict[str, Any],
    scope: Scope,
    source: SourceRef | None = None,
) -> Organization:
    _require(scope, controller.pk, set())
    cleaned = clean_organization(data)
    if not cleaned.ok():
        raise InputError(cleaned.errors)
    v = cleaned.values
    lock_register(controller)  # the check below and the write: one at a time, with imports
    if (
        v.get("business_id")
        and Organization.objects.filter(
            controller=controller, country=v["country"], business_id=v["business_id"]
        ).exists()
    ):
        raise InputError(
            {"business_id": "an organisation with this business ID is already in the register"}
        )
    org = Organization.objects.create(
        controller=controller, created_by=actor.name, **{k: v[k] for k in ORG_EDITABLE if k in v}
    )
    organization_provenance_add(
        organization=org,
        fields=[k for k in ORG_EDITABLE if v.get(k)],
        source=source or SourceRef(),
        actor=actor,
    )
    today = timezone.localdate()
    for kind in v.get("relationship", []):
        OrganizationRelationship.objects.create(organization=org, kind=kind, start=today)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        record=record_key(org),
        reason=f"organisation created ({(source or SourceRef()).kind})",
        detail=scope.audit_detail(),
    )
    screening_queue(organization_ids=[org.pk])
    return org


@transaction.atomic
def organization_update(
    *,
    actor: Actor,
    organization: Organization,
    data: dict[str, Any],
    scope: Scope,
    source: SourceRef | None = None,
    reason: str = "",
) -> Organization:
    """Change an organisation's details. Without a stated source, a staff user's edit is the
    company's own record (`generated`), as for a person; enrichment states its register."""
    _require(scope, organization.controller_id, set())
    cleaned = clean_organization(
        {**{k: getattr(organization, k) for k in ORG_EDITABLE}, **data}, partial=True
    )
    if not cleaned.ok():
        raise InputError(cleaned.errors)
    changed = [
        k
        for k in ORG_EDITABLE
        if k in cleaned.values and getattr(organization, k) != cleaned.values[k]
    ]
    # A changed country makes the same business ID another country's: check it too.
    if (
        ("business_id" in changed or "country" in changed)
        and cleaned.values.get("business_id", organization.business_id)
        and Organization.objects.filter(
            controller_id=organization.controller_id,
            country=cleaned.values.get("country", organization.country),
            business_id=cleaned.values.get("business_id", organization.business_id),
        )
        .exclude(pk=organization.pk)
        .exists()
    ):
        raise InputError(
            {"business_id": "an organisation with this business ID is already in the register"}
        )
    for k in changed:
        setattr(organization, k, cleaned.values[k])
    if changed:
        organization.save(update_fields=[*changed, "updated_at"])
        organization_provenance_add(
            organization=organization,
            fields=changed,
            source=source or SourceRef(kind=SourceKind.GENERATED),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            record=record_key(organization),
            fields=changed,
            reason=reason,
            detail=scope.audit_detail(),
        )
        if ORG_SCREENED & set(changed):
            screening_queue(organization_ids=[organization.pk])
    return organization


def _set_end(row: OrganizationRelationship | Affiliation, end: date | None, ended: str) -> None:
    """Give an ongoing relationship or link its end (today by default), after checking it."""
    if row.end is not None:
        raise InputError({"end": ended})
    end = end or timezone.localdate()
    if row.start is not None and end < row.start:
        raise InputError({"end": "the end is before the start"})
    row.end = end
    row.save(update_fields=["end"])


@transaction.atomic
def relationship_add(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    start: date | None = None,
    scope: Scope,
) -> OrganizationRelationship:
    """Start a relationship (customer, prospect, supplier, partner) with the organisation.

    Retention rules anchored on "the relationship's end" count from its end, so each kind
    has its own dates; a kind that is still ongoing cannot be started twice.
    """
    _require(scope, organization.controller_id, set())
    if kind not in RelationshipKind.values:
        raise InputError({"kind": "must be customer, prospect, supplier or partner"})
    if organization.relationships.filter(kind=kind, end__isnull=True).exists():
        raise InputError({"kind": "this relationship is already ongoing"})
    rel = OrganizationRelationship.objects.create(
        organization=organization, kind=kind, start=start or timezone.localdate()
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        record=record_key(organization),
        fields=["relationships"],
        reason=f"relationship started: {kind}",
        detail=scope.audit_detail(),
    )
    return rel


@transaction.atomic
def relationship_end(
    *,
    actor: Actor,
    relationship: OrganizationRelationship,
    end: date | None = None,
    scope: Scope,
) -> OrganizationRelationship:
    """End an ongoing relationship; from this date its retention periods start to run."""
    relationship = OrganizationRelationship.objects.select_for_update().get(pk=relationship.pk)
    organization = relationship.organization
    _require(scope, organization.controller_id, set())
    _set_end(relationship, end, "the relationship has already ended")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        record=record_key(organization),
        fields=["relationships"],
        reason=f"relationship ended: {relationship.kind}",
        detail=scope.audit_detail(),
    )
    return relationship


@transaction.atomic
def affiliation_end(
    *,
    actor: Actor,
    affiliation: Affiliation,
    end: date | None = None,
    scope: Scope,
    source: SourceRef = SourceRef(),
) -> Affiliation:
    """The person no longer works for the organisation (or is no longer its contact).

    The contact details kept for that role become due for deletion from this date
    (docs/retention.md); the link itself is kept as history until its own rule.
    """
    affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    person = affiliation.person
    link = {category_of(Affiliation, "end")}
    _require_visible(scope, person, link)
    source = _with_purpose(source, _purpose(scope, link, source.purpose, person))
    _set_end(affiliation, end, "the link has already ended")
    provenance_add(person=person, obj=affiliation, fields=["end"], source=source, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        person_id=person.pk,
        record=record_key(affiliation),
        categories=link,
        fields=["end"],
        purpose=source.purpose,
        detail=scope.audit_detail(),
    )
    return affiliation


def relationship_set(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    scope: Scope,
    start: Any = None,
    end: Any = None,
) -> OrganizationRelationship:
    """A relationship with its dates as they were (an import, the demo data)."""
    _require(scope, organization.controller_id, set())
    with transaction.atomic():
        rel = OrganizationRelationship.objects.create(
            organization=organization, kind=kind, start=start, end=end
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            record=record_key(organization),
            fields=["relationships"],
            detail=scope.audit_detail(),
        )
    return rel


def _clean_person_for(
    scope: Scope, controller: Controller, data: dict[str, Any], *, partial: bool = False
) -> Cleaned:
    """A person's input checked by the register's rules and by what its catalogue says the
    register processes (categories, b2b_only, whose identity codes); InputError if not."""
    snap = catalogue_snapshot(scope.catalogue_version)
    cleaned = clean_person(
        data,
        partial=partial,
        default_region=controller.country,
        identity_country=identity_country_of(snap, controller.code),
    )
    errors = {**cleaned.errors, **register_policy_errors(data, snap)}
    if errors:
        raise InputError(errors)
    return cleaned


PERSON_EMAIL_TAKEN = "a person with this email is already in the register"
PERSON_CODE_TAKEN = "a person with this identity code is already in the register"


def person_duplicates(controller: Controller, *, email: str, code_hash: str) -> dict[str, str]:
    """The fields by which a new person would be one the group company already has: the
    import's rule (an email, an identity code), so that a create and an import agree."""
    errors: dict[str, str] = {}
    if (
        email
        and ContactPoint.objects.filter(
            kind=ContactKind.EMAIL, value=email, person__controller=controller
        ).exists()
    ):
        errors["email"] = PERSON_EMAIL_TAKEN
    if (
        code_hash
        and IdentityCode.objects.filter(
            lookup_hash=code_hash, person__controller=controller
        ).exists()
    ):
        errors[IDENTITY_CODE] = PERSON_CODE_TAKEN
    return errors


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    controller: Controller,
    data: dict[str, Any],
    scope: Scope,
    source: SourceRef = SourceRef(),
    organization: Organization | None = None,
    audit: bool = True,
) -> Person:
    """Create a person with their contact points, affiliation and identity code."""
    cleaned = _clean_person_for(scope, controller, data)
    v = cleaned.values
    categories = {_category_map(Person)[k] for k in PERSON_EDITABLE if k in v}
    if v.get("email") or v.get("phone"):
        categories.add(category_of(ContactPoint, "value"))
    if organization is not None or v.get("organization_business_id"):
        categories.add(category_of(Affiliation, "start"))
    code_category = {category_of(IdentityCode, "encrypted")}
    if v.get(IDENTITY_CODE):
        categories |= code_category
    _require(scope, controller.pk, categories)
    given = source  # the identity code's purpose is its own (below)
    source = _with_purpose(source, _purpose(scope, categories - code_category, source.purpose))
    # Whoever checks for duplicates and then writes holds the register lock from the check
    # to the commit, an import too: two creates at once cannot both find nothing.
    lock_register(controller)
    duplicates = person_duplicates(
        controller,
        email=v.get("email") or "",
        code_hash=identity_code_hash(v[IDENTITY_CODE]) if v.get(IDENTITY_CODE) else "",
    )
    if duplicates:
        raise InputError(duplicates)
    if organization is None and v.get("organization_business_id"):
        organization = Organization.objects.filter(
            controller=controller, business_id=v["organization_business_id"]
        ).first()
        if organization is None:
            raise InputError(
                {
                    "organization_business_id": "no organisation with this business ID in the register"
                }
            )
    person = Person.objects.create(
        controller=controller,
        created_by=actor.name,
        is_contact_person=bool(organization) or bool(data.get("is_contact_person")),
        is_consumer=bool(data.get("is_consumer")),
        **{
            k: v[k]
            for k in ("first_name", "last_name", "title", "language", "nationality")
            if k in v
        },
    )
    provenance_add(
        person=person,
        obj=person,
        fields=[
            k for k in ("first_name", "last_name", "title", "language", "nationality") if v.get(k)
        ],
        source=source,
        actor=actor,
    )
    for kind in (ContactKind.EMAIL, ContactKind.PHONE):
        if v.get(kind):
            cp = ContactPoint.objects.create(person=person, kind=kind, value=v[kind], primary=True)
            provenance_add(person=person, obj=cp, fields=["value"], source=source, actor=actor)
    if organization is not None:
        aff = Affiliation.objects.create(
            person=person,
            organization=organization,
            title=v.get("title", ""),
            start=timezone.localdate(),
            is_contact_person=True,
        )
        provenance_add(
            person=person,
            obj=aff,
            fields=["organization", "title", "start"],
            source=source,
            actor=actor,
        )
    if v.get(IDENTITY_CODE):
        identity_code_set(
            actor=actor,
            person=person,
            code=v[IDENTITY_CODE],
            country=v["identity_code_country"],
            source=given,
            scope=scope,
            audit=False,
        )
    if audit:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            person_id=person.pk,
            record=record_key(person),
            categories=categories,
            purpose=_purpose(scope, categories, given.purpose),
            reason=f"created from {source.kind}",
            detail=scope.audit_detail(),
        )
    screening_queue(person_ids=[person.pk])
    return person


def identity_code_set(
    *,
    actor: Actor,
    person: Person,
    code: str,
    country: str,
    source: SourceRef,
    scope: Scope,
    audit: bool = True,
) -> IdentityCode:
    category = {category_of(IdentityCode, "encrypted")}
    with transaction.atomic():
        _require_visible(scope, person, category)
        source = _with_purpose(source, _purpose(scope, category, source.purpose, person))
        obj, _ = IdentityCode.objects.update_or_create(
            person=person,
            country=country,
            defaults={
                "encrypted": encrypt_field(code),
                "lookup_hash": identity_code_hash(code),
                "masked": mask_identity_code(code),
            },
        )
        provenance_add(person=person, obj=obj, fields=["encrypted"], source=source, actor=actor)
        screening_queue(person_ids=[person.pk])  # the code states the birth date
        if audit:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                person_id=person.pk,
                record=record_key(obj),
                categories=category,
                purpose=source.purpose,
                detail=scope.audit_detail(),
            )
    return obj


@transaction.atomic
def person_update(
    *,
    actor: Actor,
    person: Person,
    data: dict[str, Any],
    scope: Scope,
    purpose: str = "",
    source: SourceRef | None = None,
    reason: str = "",
) -> Person:
    """Change a person's details; before and after go sealed into the audit trail."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    cleaned = _clean_person_for(scope, person.controller, data, partial=True)
    v = cleaned.values
    cats = _category_map(Person)
    changes: dict[str, tuple[Any, Any]] = {}
    for k in PERSON_EDITABLE:
        if k in v and getattr(person, k) != v[k]:
            changes[k] = (getattr(person, k), v[k])
    for flag in ("is_contact_person", "is_consumer", "is_event_attendee", "is_service_user"):
        if flag in data and isinstance(data[flag], bool) and getattr(person, flag) != data[flag]:
            changes[flag] = (getattr(person, flag), data[flag])
    contact_changes: dict[str, tuple[str, str]] = {}
    for kind in (ContactKind.EMAIL, ContactKind.PHONE):
        if kind in v:
            current = person.contact_points.filter(kind=kind, primary=True).first()
            old = current.value if current else ""
            if old != v[kind]:
                contact_changes[kind] = (old, v[kind])
    contact = category_of(ContactPoint, "value")
    categories = {cats[k] for k in changes} | ({contact} if contact_changes else set())
    _require_visible(scope, person, categories)
    if not changes and not contact_changes:
        return person
    new_email = contact_changes.get(ContactKind.EMAIL, ("", ""))[1]
    if new_email:
        # The create's and the import's rule, under the same register lock: one email is
        # one person of the group company.
        lock_register(person.controller)
        if (
            ContactPoint.objects.filter(
                kind=ContactKind.EMAIL, value=new_email, person__controller=person.controller
            )
            .exclude(person=person)
            .exists()
        ):
            raise InputError({"email": PERSON_EMAIL_TAKEN})
    purpose = _purpose(scope, categories, purpose or (source.purpose if source else ""), person)
    # Without a stated source: a staff user's edit is the company's own record of it, not
    # data the person provided (which portability exports, Art. 20); only the person's own
    # channels (the preference centre, run under a system scope) are the person's word.
    by_staff_user = scope.is_staff and not scope.is_system
    kind = SourceKind.GENERATED if by_staff_user else SourceKind.DATA_SUBJECT
    src = _with_purpose(source or SourceRef(kind=kind), purpose)
    for k, (_old, new) in changes.items():
        setattr(person, k, new)
    if changes:
        person.save(update_fields=[*changes, "updated_at"])
        provenance_add(person=person, obj=person, fields=list(changes), source=src, actor=actor)
    for kind, (_old, new) in contact_changes.items():
        current = person.contact_points.filter(kind=kind, primary=True).first()
        if new and current:
            current.value, current.verified_at, current.undeliverable_at = new, None, None
            current.save(update_fields=["value", "verified_at", "undeliverable_at", "updated_at"])
            cp = current
        elif new:
            cp = ContactPoint.objects.create(person=person, kind=kind, value=new, primary=True)
        else:
            current.delete()  # type: ignore[union-attr]
            cp = None
        if cp is not None:
            provenance_add(person=person, obj=cp, fields=["value"], source=src, actor=actor)
    sealed = {k: {"before": o, "after": n} for k, (o, n) in {**changes, **contact_changes}.items()}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        person_id=person.pk,
        record=record_key(person),
        categories=categories,
        fields=[*changes, *contact_changes],
        purpose=purpose,
        reason=reason,
        sealed=sealed,
        detail=scope.audit_detail(),
    )
    if PERSON_SCREENED & set(changes):
        screening_queue(person_ids=[person.pk])
    return person


def _require_visible(scope: Scope, person: Person, categories: set[str]) -> None:
    # One mechanism (access.policy): own group company, categories, restriction.
    check_processing(scope, person, Operation.EDIT, categories=categories)


@transaction.atomic
def affiliation_add(
    *,
    actor: Actor,
    person: Person,
    organization: Organization,
    data: dict[str, Any],
    scope: Scope,
    source: SourceRef = SourceRef(),
) -> Affiliation:
    link = {category_of(Affiliation, "start")}
    _require_visible(scope, person, link)
    if organization.controller_id != person.controller_id:
        raise InputError({"organization_id": "belongs to another group company"})
    source = _with_purpose(source, _purpose(scope, link, source.purpose, person))
    aff = Affiliation.objects.create(
        person=person,
        organization=organization,
        **{
            k: data[k]
            for k in ("role", "title", "department", "start", "end", "is_contact_person")
            if k in data
        },
    )
    provenance_add(
        person=person,
        obj=aff,
        fields=[k for k in data if k in ("role", "title", "department", "start", "end")]
        or ["organization"],
        source=source,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        person_id=person.pk,
        record=record_key(aff),
        categories=link,
        purpose=source.purpose,
        detail=scope.audit_detail(),
    )
    return aff
