"""The register's API: persons and organisations (mounted at /api/v1/ by api/api.py).

Thin, like the staff views: access rules and validation live in register.selectors and
register.services, so the API refuses and accepts exactly what the UI does. Reads of a
person go through `person_detail`, which drops the fields the caller's purposes do not
cover and writes the audit event; list pages are audited with the ids they showed.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Path, Query, Router

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import Scope, category_of
from rekisteri.api.auth import TokenAuth
from rekisteri.api.errors import errors
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, actor_of, audit_record
from rekisteri.common.client import client_ip
from rekisteri.register import selectors, services
from rekisteri.register.inputs import InputError
from rekisteri.register.models import (
    Affiliation,
    ContactPoint,
    Controller,
    IdentityCode,
    Organization,
    Person,
)
from rekisteri.register.schemas import (
    OrganizationIn,
    OrganizationOut,
    OrganizationPage,
    OrganizationPatch,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    Printable,
    Text,
)
from rekisteri.register.selectors import PersonDetail

router = Router()
# Persons are their names first of all; a role whose purposes do not cover them gets 403.
PERSONS = TokenAuth(categories=frozenset({selectors.name_category()}))

MAX_ID = 2**63 - 1
Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="how many to skip")]
FLAGS = ("is_contact_person", "is_consumer", "is_event_attendee", "is_service_user")


def _scope(request: HttpRequest) -> Scope:
    return scope_of(request)


def _actor(request: HttpRequest, purpose: str = "") -> Actor:
    return actor_of(request.auth, ip=client_ip(request), purpose=purpose)  # type: ignore[attr-defined]


def _only_query(request: HttpRequest, *names: str) -> None:
    """Refuse query parameters the operation does not know.

    A misspelt filter (`?search=virtanen` for `?q=virtanen`) would otherwise be ignored and
    answer with everyone's names; better to say so.
    """
    unknown = sorted(set(request.GET) - set(names))
    if unknown:
        raise InputError({name: "is not a parameter of this operation" for name in unknown})


def _purpose(scope: Scope, requested: str | None) -> str:
    """The purpose the caller states, which must be theirs ("": none stated; the services
    and selectors then record the one the caller's purposes give)."""
    if requested and requested not in scope.purposes:
        raise InputError({"purpose": "is not one of your role's purposes"})
    return requested or ""


def _controller(scope: Scope, code: str | None) -> Controller:
    if code:
        controller = Controller.objects.filter(code=code).first()
        if controller is None:
            raise InputError({"controller": "no such group company"})
        return controller
    own = sorted(scope.controller_ids)
    if not own:
        raise ProcessingRefused("You are not staff of any group company.", code="controller")
    if len(own) > 1:
        raise InputError({"controller": "is required: you are staff of several group companies"})
    return Controller.objects.get(pk=own[0])


def _blank_nulls(data: dict[str, Any]) -> dict[str, Any]:
    """In a PATCH, null clears a text field (as an empty form field does); null flags are ignored."""
    return {k: ("" if v is None else v) for k, v in data.items() if not (v is None and k in FLAGS)}


def _person_out(detail: PersonDetail) -> dict[str, Any]:
    p = detail.person
    out: dict[str, Any] = {
        "id": p.pk,
        "controller": p.controller.code,
        "restricted": p.restricted,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "hidden_categories": detail.hidden_categories,
        "provenance": [
            {
                "record": x.record,
                "fields": list(x.fields),
                "source_kind": x.source_kind,
                "source_name": x.source_name,
                "collected_at": x.collected_at,
                "recorded_by": x.recorded_by,
                "purpose": x.purpose,
            }
            for x in detail.provenance
        ],
    }
    # Only the fields the caller's purposes cover are set; the response leaves out the rest.
    for f in detail.fields:
        if f.name in PersonOut.model_fields:
            out[f.name] = f.value
    if category_of(ContactPoint) in detail.categories:
        cps = detail.contact_points
        out["contact_points"] = [
            {
                "kind": c.kind,
                "value": c.value,
                "primary": c.primary,
                "verified_at": c.verified_at,
                "undeliverable_at": c.undeliverable_at,
            }
            for c in cps
        ]
        for kind in ("email", "phone"):
            out[kind] = next((c.value for c in cps if c.kind == kind and c.primary), None)
    if category_of(Affiliation) in detail.categories:
        out["affiliations"] = [
            {
                "organization_id": a.organization_id,
                "organization_name": a.organization.name,
                "role": a.role,
                "title": a.title,
                "department": a.department,
                "start": a.start,
                "end": a.end,
                "is_contact_person": a.is_contact_person,
            }
            for a in detail.affiliations
        ]
    if category_of(IdentityCode) in detail.categories:
        out["identity_codes"] = [
            {"country": i.country, "masked": i.masked} for i in detail.identity_codes
        ]
    return out


def _organization_out(org: Organization) -> dict[str, Any]:
    return {
        "id": org.pk,
        "controller": org.controller.code,
        **{
            k: getattr(org, k)
            for k in (
                "name",
                "business_id",
                "country",
                "street",
                "postal_code",
                "city",
                "website",
                "industry",
                "created_by",
                "created_at",
                "updated_at",
            )
        },
        "relationships": [
            {"kind": r.kind, "start": r.start, "end": r.end} for r in org.relationships.all()
        ],
    }


# --- Persons ------------------------------------------------------------------------------


@router.get(
    "/persons",
    response={200: PersonPage, **errors(not_found=False)},
    auth=PERSONS,
    operation_id="person_list",
    summary="List and search persons",
    tags=["persons"],
)
@requires(Cap.KEEP_REGISTER)
def person_list(
    request: HttpRequest,
    q: Annotated[
        Printable,
        Query("", max_length=100, description="name prefix ('virtanen maija') or email prefix"),
    ] = "",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    _only_query(request, "q", "limit", "offset")
    scope = _scope(request)
    qs = selectors.person_list(scope=scope, q=q)
    with transaction.atomic():
        count = qs.count()
        page = selectors.person_search(scope=scope, q=q, limit=limit, offset=offset)
        if page:
            # Names shown in a list are a read too: record whose, not what was searched.
            names = [selectors.name_category()]
            audit_record(
                actor=_actor(request),
                action=AuditAction.SEARCH if q else AuditAction.LIST,
                person_ids=[p.pk for p in page],
                categories=names,
                purpose=selectors.purpose_for(scope, names, capability=Cap.KEEP_REGISTER),
                detail={"results": len(page), "offset": offset, "via": "api"},
            )
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "items": [
            {
                "id": p.pk,
                "controller": p.controller.code,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "restricted": p.restricted,
            }
            for p in page
        ],
    }


@router.get(
    "/persons/{person_id}",
    response={200: PersonOut, **errors()},
    exclude_unset=True,
    auth=PERSONS,
    operation_id="person_get",
    summary="Get a person: the fields your purposes cover, with provenance",
    tags=["persons"],
)
@requires(Cap.KEEP_REGISTER)
def person_get(
    request: HttpRequest,
    person_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    purpose: Annotated[
        Text | None,
        Query(None, max_length=64, description="why you look (one of your purposes); audited"),
    ] = None,
) -> dict[str, Any]:
    _only_query(request, "purpose")
    scope = _scope(request)
    stated = _purpose(scope, purpose) if purpose else ""
    # As in the staff UI's person page: the reads need no transaction, and the audit event
    # gets its own, written before the response exists (if it fails, nothing is shown). A
    # transaction around the reads too held SQLite's one write lock while reading, so that
    # concurrent GETs waited for each other's reads, not only for their audit writes.
    detail = selectors.person_detail(
        scope=scope, actor=_actor(request), person_id=person_id, purpose=stated
    )
    return _person_out(detail)


@router.post(
    "/persons",
    response={201: PersonOut, **errors(body=True, not_found=False)},
    exclude_unset=True,
    auth=PERSONS,
    operation_id="person_create",
    summary="Create a person, with contact details and provenance",
    tags=["persons"],
)
@requires(Cap.KEEP_REGISTER)
def person_create(request: HttpRequest, payload: PersonIn) -> tuple[int, dict[str, Any]]:
    _only_query(request)
    scope = _scope(request)
    controller = _controller(scope, payload.controller)
    purpose = _purpose(scope, payload.purpose)
    data = {
        k: v
        for k, v in payload.dict(
            exclude_unset=True,
            exclude={"controller", "organization_id", "source_kind", "source_name", "purpose"},
        ).items()
        if v is not None
    }
    organization = None
    if payload.organization_id is not None:
        organization = (
            selectors.organization_list(scope=scope)
            .filter(pk=payload.organization_id, controller=controller)
            .first()
        )
        if organization is None:
            raise InputError({"organization_id": "no such organisation in this group company"})
    actor = _actor(request, purpose)
    source = services.SourceRef(kind=payload.source_kind, name=payload.source_name, purpose=purpose)
    with transaction.atomic():
        person = services.person_create(
            actor=actor,
            controller=controller,
            data=data,
            source=source,
            scope=scope,
            organization=organization,
        )
        detail = selectors.person_detail(
            scope=scope, actor=actor, person_id=person.pk, purpose=purpose
        )
    return 201, _person_out(detail)


@router.patch(
    "/persons/{person_id}",
    response={200: PersonOut, **errors(body=True)},
    exclude_unset=True,
    auth=PERSONS,
    operation_id="person_update",
    summary="Change a person's details; before and after are sealed into the audit trail",
    tags=["persons"],
)
@requires(Cap.KEEP_REGISTER)
def person_update(
    request: HttpRequest, payload: PersonPatch, person_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> dict[str, Any]:
    _only_query(request)
    scope = _scope(request)
    person: Person = selectors.person_get_to_change(scope=scope, person_id=person_id)
    purpose = _purpose(scope, payload.purpose)
    data = _blank_nulls(
        payload.dict(exclude_unset=True, exclude={"purpose", "source_kind", "source_name"})
    )
    source = None
    if payload.source_kind is not None:
        source = services.SourceRef(
            kind=payload.source_kind, name=payload.source_name or "", purpose=purpose
        )
    actor = _actor(request, purpose)
    with transaction.atomic():
        services.person_update(
            actor=actor, person=person, data=data, scope=scope, purpose=purpose, source=source
        )
        detail = selectors.person_detail(
            scope=scope, actor=actor, person_id=person.pk, purpose=purpose
        )
    return _person_out(detail)


# --- Organisations ------------------------------------------------------------------------


@router.get(
    "/organizations",
    response={200: OrganizationPage, **errors(not_found=False)},
    operation_id="organization_list",
    summary="List and search organisations",
    tags=["organizations"],
)
@requires(Cap.KEEP_REGISTER)
def organization_list(
    request: HttpRequest,
    q: Annotated[
        Printable,
        Query("", max_length=100, description="name or business ID prefix"),
    ] = "",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    _only_query(request, "q", "limit", "offset")
    qs = selectors.organization_list(scope=_scope(request), q=q)
    page = qs.prefetch_related("relationships")[offset : offset + limit]
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": [_organization_out(o) for o in page],
    }


@router.get(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, **errors()},
    operation_id="organization_get",
    summary="Get an organisation",
    tags=["organizations"],
)
@requires(Cap.KEEP_REGISTER)
def organization_get(
    request: HttpRequest, organization_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> dict[str, Any]:
    _only_query(request)
    org = selectors.organization_get(scope=_scope(request), organization_id=organization_id)
    return _organization_out(org)


@router.post(
    "/organizations",
    response={201: OrganizationOut, **errors(body=True, not_found=False)},
    operation_id="organization_create",
    summary="Create an organisation; the business ID is validated by country",
    tags=["organizations"],
)
@requires(Cap.KEEP_REGISTER)
def organization_create(
    request: HttpRequest, payload: OrganizationIn
) -> tuple[int, dict[str, Any]]:
    _only_query(request)
    scope = _scope(request)
    controller = _controller(scope, payload.controller)
    data = {
        k: v
        for k, v in payload.dict(
            exclude_unset=True, exclude={"controller", "relationships"}
        ).items()
        if v is not None
    }
    if payload.relationships:
        data["relationship"] = ",".join(k.value for k in payload.relationships)
    org = services.organization_create(
        actor=_actor(request), controller=controller, data=data, scope=scope
    )
    return 201, _organization_out(org)


@router.patch(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, **errors(body=True)},
    operation_id="organization_update",
    summary="Change an organisation's details",
    tags=["organizations"],
)
@requires(Cap.KEEP_REGISTER)
def organization_update(
    request: HttpRequest,
    payload: OrganizationPatch,
    organization_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> dict[str, Any]:
    _only_query(request)
    scope = _scope(request)
    org = selectors.organization_get(scope=scope, organization_id=organization_id)
    services.organization_update(
        actor=_actor(request),
        organization=org,
        data=_blank_nulls(payload.dict(exclude_unset=True)),
        scope=scope,
    )
    org.refresh_from_db()
    return _organization_out(org)
