"""Interactions API: list a person's or an organisation's interactions, record one.

The same selectors and services as the staff pages: the caller sees only the kinds whose
data category their purposes cover (of that person), and every read and write is audited.
A person or an organisation outside the caller's scope is 404, and so is a kind whose
category the caller may not read of the person: for the caller it does not exist.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import StrictInt

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.selectors import person_categories
from rekisteri.api.errors import MAX_ID, errors, query_id
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.interactions import selectors, services
from rekisteri.interactions.models import KINDS
from rekisteri.register.inputs import InputError
from rekisteri.register.models import Organization
from rekisteri.register.schemas import Body
from rekisteri.register.selectors import organization_get, person_get_to_change

router = Router(tags=["interactions"])


class ItemOut(Schema):
    kind: str
    id: int
    category: str
    occurred_at: datetime | None
    title: str
    person_id: int | None
    organization_id: int | None
    has_file: bool
    fields: dict[str, Any]


# The kinds as the schema's enum, so that a client (and the fuzzer) knows them.
Kind = Literal[tuple(KINDS)]  # type: ignore[valid-type]


class InteractionIn(Body):
    kind: Kind  # type: ignore[valid-type]
    person_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    organization_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    data: dict[str, Any] = {}
    file_base64: str | None = None
    file_type: str = ""


class CreatedOut(Schema):
    kind: str
    id: int
    record: str


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _out(item: selectors.Item) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "id": item.id,
        "category": item.category,
        "occurred_at": item.occurred_at,
        "title": str(item.title),
        "person_id": item.person_id,
        "organization_id": item.organization_id,
        "has_file": item.has_file,
        "fields": {k: _jsonable(v) for k, v in item.fields.items()},
    }


def _id(value: int | None, name: str) -> int | None:
    if value is not None and not (1 <= value <= MAX_ID):
        raise InputError({name: "is not a valid id"})
    return value


@router.get(
    "/",
    response={200: list[ItemOut], **errors(not_found=True)},
    operation_id="interaction_list",
    summary="A person's or an organisation's interactions that the caller may see",
)
@requires(Cap.RECORD_INTERACTIONS)
def interaction_list(
    request: HttpRequest,
    person_id: Annotated[int | None, query_id("the person's")] = None,
    organization_id: Annotated[int | None, query_id("or the organisation's")] = None,
    kind: Annotated[Kind | None, Query()] = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> Any:
    scope = scope_of(request)
    actor = actor_of(request.auth, ip=client_ip(request))  # type: ignore[attr-defined]
    _id(person_id, "person_id")
    _id(organization_id, "organization_id")
    if kind is not None and kind not in KINDS:
        raise InputError({"kind": "is not one of: " + ", ".join(KINDS)})
    if (person_id is None) == (organization_id is None):
        raise InputError({"person_id": "give exactly one of person_id and organization_id"})
    if person_id is not None:
        _, timeline = selectors.person_timeline(
            scope=scope, actor=actor, person_id=person_id, kind=kind, limit=limit
        )
    else:
        _, timeline = selectors.organization_timeline(
            scope=scope, actor=actor, organization_id=organization_id, kind=kind, limit=limit
        )
    return [_out(i) for i in timeline.items]


@router.post(
    "/",
    response={201: CreatedOut, **errors(body=True, not_found=True)},
    operation_id="interaction_create",
    summary="Record an interaction of a person or an organisation",
)
@requires(Cap.RECORD_INTERACTIONS)
def interaction_create(request: HttpRequest, payload: InteractionIn) -> Any:
    scope = scope_of(request)
    actor = actor_of(request.auth, ip=client_ip(request))  # type: ignore[attr-defined]
    if payload.kind not in KINDS:
        raise InputError({"kind": "is not one of: " + ", ".join(KINDS)})
    _id(payload.person_id, "person_id")
    _id(payload.organization_id, "organization_id")
    person = None
    organization: Organization | None = None
    if payload.person_id is not None:
        # Recording changes the person's record: a shared person is read-only (403).
        person = person_get_to_change(scope=scope, person_id=payload.person_id)
    if payload.organization_id is not None:
        organization = organization_get(scope=scope, organization_id=payload.organization_id)
    if person is None and organization is None:
        raise InputError({"person_id": "is required (or organization_id)"})
    categories = person_categories(scope, person) if person is not None else scope.categories
    if selectors.kind_category(payload.kind) not in categories:
        raise Http404("no such kind for this person")  # outside the caller's purposes
    upload = None
    if payload.file_base64:
        try:
            raw = base64.b64decode(payload.file_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InputError({"file_base64": "is not base64"}) from exc
        upload = services.Upload(data=raw, content_type=payload.file_type.strip())
    try:
        obj = services.interaction_create(
            actor=actor,
            kind=payload.kind,
            person=person,
            organization=organization,
            data=payload.data,
            scope=scope,
            upload=upload,
        )
    except services.InteractionInputError as exc:
        raise InputError(exc.errors) from exc
    return 201, {"kind": payload.kind, "id": obj.pk, "record": f"{obj._meta.label}:{obj.pk}"}


__all__ = ["router"]
