"""The KYC records in the JSON API: read an organisation's KYC, record owners, rights to
represent, PEP status and customer due diligence. The same services as the staff pages."""

from __future__ import annotations

import inspect
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.api.auth import TokenAuth
from rekisteri.api.errors import errors
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.kyc import selectors, services
from rekisteri.kyc.kinds import KINDS, RecordKind
from rekisteri.register.inputs import InputError

router = Router()
KYC = TokenAuth()
MAX_ID = 2**63 - 1
TAGS = ["kyc"]  # catalogue-free: the OpenAPI tag of the app, not the category
OrgId = Annotated[int, Path(ge=1, le=MAX_ID)]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Provenance(Schema):
    source: str = Field(description="own_statement, owner_register, trade_register, …")
    source_date: date


class OwnerIn(Provenance):
    person_id: int = Field(ge=1, le=MAX_ID)
    control: str = Field(description="ownership, voting_rights, appoints_board, …")
    share_percent: Decimal | None = None


class RepresentationIn(Provenance):
    person_id: int = Field(ge=1, le=MAX_ID)
    kind: str = Field(description="signing_right, procuration or power_of_attorney")
    evidence: str = Field(max_length=255)
    valid_from: date | None = None
    valid_until: date | None = None


class RepresentationChange(Provenance):
    kind: str = Field(description="signing_right, procuration or power_of_attorney")
    evidence: str = Field(max_length=255)
    valid_from: date | None = None
    valid_until: date | None = None


class PepIn(Provenance):
    relation: str = Field(description="self, family_member or close_associate")
    related_to: str = Field("", max_length=200)
    position: str = Field(max_length=200)
    country: str = Field(max_length=2)
    since: date | None = None
    until: date | None = None
    next_review: date


class DueDiligenceIn(Schema):
    risk_level: str = Field(description="low, normal or high")
    checks: list[str]
    checked_on: date
    next_review: date
    note: str = Field("", max_length=500)


class OwnerOut(Schema):
    id: int
    person_id: int
    control: str
    share_percent: Decimal | None
    source: str
    source_date: date


class RepresentationOut(Schema):
    id: int
    person_id: int
    kind: str
    evidence: str
    valid_from: date | None
    valid_until: date | None
    source: str
    source_date: date


class PepOut(Schema):
    id: int
    person_id: int
    relation: str
    related_to: str
    position: str
    country: str
    since: date | None
    until: date | None
    next_review: date
    source: str
    source_date: date


class DueDiligenceOut(Schema):
    id: int
    risk_level: str
    checks: list[str]
    checked_on: date
    next_review: date
    decided_by: str
    note: str


class KycOut(Schema):
    organization_id: int
    owners: list[OwnerOut]
    representatives: list[RepresentationOut]
    peps: list[PepOut]
    due_diligence: list[DueDiligenceOut]


def _call(
    request: HttpRequest,
    fn: Any,
    *,
    not_found: tuple[str, ...] = ("organization", "record"),
    **kwargs: Any,
) -> Any:
    """Run a KYC service as the caller; a refused object of the path (`not_found`) is a 404,
    any other refusal a 422 naming its field."""
    try:
        return fn(
            scope=scope_of(request), actor=actor_of(request.user, ip=client_ip(request)), **kwargs
        )
    except services.KycError as exc:
        if exc.field in not_found:
            raise Http404 from None
        raise InputError({exc.field: exc.message}) from None


@router.get(
    "/organizations/{organization_id}",
    response={200: KycOut, **errors()},
    auth=KYC,
    operation_id="kyc_organization_get",
    summary="An organisation's beneficial owners, representatives, PEP statuses and due diligence",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_organization_get(request: HttpRequest, organization_id: OrgId) -> dict[str, Any]:
    shown = _call(request, selectors.kyc_of_organisation, organization_id=organization_id)
    return {
        "organization_id": organization_id,
        "owners": shown["owners"],
        "representatives": shown["representatives"],
        "peps": shown["peps"],
        "due_diligence": shown["due_diligence"],
    }


@router.post(
    "/organizations/{organization_id}/owners",
    response={201: OwnerOut, **errors(body=True)},
    auth=KYC,
    operation_id="kyc_owner_record",
    summary="Record (or correct) a beneficial owner of the organisation",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_owner_record(
    request: HttpRequest, organization_id: OrgId, payload: OwnerIn
) -> tuple[int, Any]:
    data = payload.dict(exclude={"person_id"})
    owner = _call(
        request,
        services.beneficial_owner_record,
        organization_id=organization_id,
        person_id=payload.person_id,
        data=data,
    )
    return 201, owner


@router.post(
    "/organizations/{organization_id}/representatives",
    response={201: RepresentationOut, **errors(body=True)},
    auth=KYC,
    operation_id="kyc_representation_record",
    summary="Record a person's right to represent the organisation",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_representation_record(
    request: HttpRequest, organization_id: OrgId, payload: RepresentationIn
) -> tuple[int, Any]:
    right = _call(
        request,
        services.representation_record,
        organization_id=organization_id,
        person_id=payload.person_id,
        data=payload.dict(exclude={"person_id"}),
    )
    return 201, right


@router.post(
    "/persons/{person_id}/pep",
    response={201: PepOut, **errors(body=True)},
    auth=KYC,
    operation_id="kyc_pep_record",
    summary="Record a person's PEP status",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_pep_record(request: HttpRequest, person_id: PersonId, payload: PepIn) -> tuple[int, Any]:
    pep = _call(
        request,
        services.pep_record,
        not_found=("person",),
        person_id=person_id,
        data=payload.dict(),
    )
    return 201, pep


@router.post(
    "/organizations/{organization_id}/due-diligence",
    response={201: DueDiligenceOut, **errors(body=True)},
    auth=KYC,
    operation_id="kyc_due_diligence_record",
    summary="Record customer due diligence of the organisation's customer relationship",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_due_diligence_record(
    request: HttpRequest, organization_id: OrgId, payload: DueDiligenceIn
) -> tuple[int, Any]:
    cdd = _call(
        request,
        services.due_diligence_record,
        organization_id=organization_id,
        data=payload.dict(),
    )
    return 201, cdd


# --- Correcting and removing (a record recorded in error): one operation pair per kind ----
#
# Generated from kyc.kinds.KINDS: PUT (correct; not for a beneficial owner, which is
# corrected by posting it again) and DELETE (remove) of `kind.api_path`, with the operation
# ids kyc_<api_name>_update / kyc_<api_name>_remove. A PEP status is reached through its
# person, the others through their organisation.

#: the PUT body and the answer of each kind
_SCHEMAS: dict[str, tuple[type[Schema], type[Schema]]] = {
    "owner": (OwnerIn, OwnerOut),
    "representation": (RepresentationChange, RepresentationOut),
    "pep": (PepIn, PepOut),
    "due_diligence": (DueDiligenceIn, DueDiligenceOut),
}


def _pep_of(request: HttpRequest, person_id: int, record_id: int) -> None:
    """The PEP status must be this person's (of the caller's companies): else 404."""
    from rekisteri.kyc.models import PepStatus

    if not PepStatus.objects.filter(
        pk=record_id,
        person_id=person_id,
        person__controller_id__in=scope_of(request).controller_ids,
    ).exists():
        raise Http404


def _parent(request: HttpRequest, kind: RecordKind, record_id: int, path: dict[str, int]) -> Any:
    """The record's organisation id, or None for one reached through its person (checked)."""
    if kind.by_person:
        _pep_of(request, path["person_id"], record_id)
        return None
    return path["organization_id"]


def _signature(kind: RecordKind, payload: type[Schema] | None = None) -> inspect.Signature:
    parent = ("person_id", PersonId) if kind.by_person else ("organization_id", OrgId)
    params = [("request", HttpRequest), parent, ("record_id", RecordId)]
    if payload is not None:
        params.append(("payload", payload))
    return inspect.Signature(
        [
            inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=a)
            for n, a in params
        ]
    )


def _update_operation(kind: RecordKind, payload: type[Schema]) -> Any:
    not_found = ("person", "record") if kind.by_person else ("organization", "record")

    def operation(request: HttpRequest, record_id: int, payload: Schema, **path: int) -> Any:
        return _call(
            request,
            kind.update,
            not_found=not_found,
            organization_id=_parent(request, kind, record_id, path),
            record_id=record_id,
            data=payload.dict(),
        )

    operation.__signature__ = _signature(kind, payload)  # type: ignore[attr-defined]
    operation.__name__ = f"kyc_{kind.api_name}_update"
    return requires(kind.capability)(operation)


def _remove_operation(kind: RecordKind) -> Any:
    not_found = ("person", "record") if kind.by_person else ("organization", "record", "person")

    def operation(request: HttpRequest, record_id: int, **path: int) -> tuple[int, None]:
        _call(
            request,
            kind.remove,
            not_found=not_found,
            organization_id=_parent(request, kind, record_id, path),
            record_id=record_id,
        )
        return 204, None

    operation.__signature__ = _signature(kind)  # type: ignore[attr-defined]
    operation.__name__ = f"kyc_{kind.api_name}_remove"
    return requires(kind.capability)(operation)


for _kind in KINDS.values():
    _payload, _out = _SCHEMAS[_kind.slug]
    if _kind.api_correctable:
        router.add_api_operation(
            _kind.api_path,
            ["PUT"],
            _update_operation(_kind, _payload),
            response={200: _out, **errors(body=True)},
            auth=KYC,
            operation_id=f"kyc_{_kind.api_name}_update",
            summary=f"Correct {_kind.api_what}",
            tags=TAGS,
        )
    router.add_api_operation(
        _kind.api_path,
        ["DELETE"],
        _remove_operation(_kind),
        response={204: None, **errors()},
        auth=KYC,
        operation_id=f"kyc_{_kind.api_name}_remove",
        summary=f"Remove {_kind.api_what} recorded in error",
        tags=TAGS,
    )


# --- A consumer customer's due diligence (the person is the customer) -----------------------


class PersonDueDiligenceOut(DueDiligenceOut):
    person_id: int


class PersonKycOut(Schema):
    person_id: int
    peps: list[PepOut]
    due_diligence: list[PersonDueDiligenceOut]


@router.get(
    "/persons/{person_id}",
    response={200: PersonKycOut, **errors()},
    auth=KYC,
    operation_id="kyc_person_get",
    summary="A consumer customer's PEP statuses and customer due diligence",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_person_get(request: HttpRequest, person_id: PersonId) -> dict[str, Any]:
    shown = _call(request, selectors.kyc_of_person, not_found=("person",), person_id=person_id)
    return {
        "person_id": person_id,
        "peps": shown["peps"],
        "due_diligence": shown["due_diligence"],
    }


@router.post(
    "/persons/{person_id}/due-diligence",
    response={201: PersonDueDiligenceOut, **errors(body=True)},
    auth=KYC,
    operation_id="kyc_person_due_diligence_record",
    summary="Record customer due diligence of a consumer customer",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_person_due_diligence_record(
    request: HttpRequest, person_id: PersonId, payload: DueDiligenceIn
) -> tuple[int, Any]:
    cdd = _call(
        request,
        services.person_due_diligence_record,
        not_found=("person",),
        person_id=person_id,
        data=payload.dict(),
    )
    return 201, cdd


@router.put(
    "/persons/{person_id}/due-diligence/{record_id}",
    response={200: PersonDueDiligenceOut, **errors(body=True)},
    auth=KYC,
    operation_id="kyc_person_due_diligence_update",
    summary="Correct a consumer customer's due diligence",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_person_due_diligence_update(
    request: HttpRequest, person_id: PersonId, record_id: RecordId, payload: DueDiligenceIn
) -> Any:
    return _call(
        request,
        services.person_due_diligence_record,
        not_found=("person", "record"),
        person_id=person_id,
        due_diligence_id=record_id,
        data=payload.dict(),
    )


@router.delete(
    "/persons/{person_id}/due-diligence/{record_id}",
    response={204: None, **errors()},
    auth=KYC,
    operation_id="kyc_person_due_diligence_remove",
    summary="Remove a consumer customer's due diligence recorded in error",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def kyc_person_due_diligence_remove(
    request: HttpRequest, person_id: PersonId, record_id: RecordId
) -> tuple[int, None]:
    _call(
        request,
        services.person_due_diligence_remove,
        not_found=("person", "record"),
        person_id=person_id,
        due_diligence_id=record_id,
    )
    return 204, None


# --- AML investigations (capability investigate_transactions; exempt from access) ----------


class InvestigationIn(Schema):
    opened_on: date
    grounds: str = Field(max_length=1000)
    organization_id: int | None = Field(None, ge=1, le=MAX_ID)


class InvestigationClose(Schema):
    outcome: str = Field(description="no_suspicion or reported")
    reported_on: date | None = Field(None, description="when reported to the FIU")


class InvestigationOut(Schema):
    id: int
    person_id: int
    organization_id: int | None
    opened_on: date
    grounds: str
    outcome: str
    reported_on: date | None


@router.get(
    "/investigations",
    response={200: list[InvestigationOut], **errors()},
    auth=KYC,
    operation_id="kyc_investigations_list",
    summary="AML investigations of your group companies (the open ones, or all)",
    tags=TAGS,
)
@requires(Cap.INVESTIGATE_TRANSACTIONS)
def kyc_investigations_list(request: HttpRequest, all: bool = False) -> Any:  # noqa: A002
    return _call(request, selectors.aml_investigations, only_open=not all)


@router.get(
    "/investigations/{investigation_id}",
    response={200: InvestigationOut, **errors()},
    auth=KYC,
    operation_id="kyc_investigation_get",
    summary="One AML investigation",
    tags=TAGS,
)
@requires(Cap.INVESTIGATE_TRANSACTIONS)
def kyc_investigation_get(request: HttpRequest, investigation_id: RecordId) -> Any:
    return _call(request, selectors.aml_investigation_get, investigation_id=investigation_id)


@router.post(
    "/persons/{person_id}/investigations",
    response={201: InvestigationOut, **errors(body=True)},
    auth=KYC,
    operation_id="kyc_investigation_open",
    summary="Open an AML investigation of a person's transactions",
    tags=TAGS,
)
@requires(Cap.INVESTIGATE_TRANSACTIONS)
def kyc_investigation_open(
    request: HttpRequest, person_id: PersonId, payload: InvestigationIn
) -> tuple[int, Any]:
    row = _call(
        request,
        services.aml_investigation_record,
        not_found=("person",),
        person_id=person_id,
        organization_id=payload.organization_id,
        data=payload.dict(exclude={"organization_id"}),
    )
    return 201, row


@router.post(
    "/investigations/{investigation_id}/close",
    response={200: InvestigationOut, **errors(body=True)},
    auth=KYC,
    operation_id="kyc_investigation_close",
    summary="Close an AML investigation: no grounds for suspicion, or reported to the FIU",
    tags=TAGS,
)
@requires(Cap.INVESTIGATE_TRANSACTIONS)
def kyc_investigation_close(
    request: HttpRequest, investigation_id: RecordId, payload: InvestigationClose
) -> Any:
    return _call(
        request,
        services.aml_investigation_close,
        not_found=("record", "person"),
        investigation_id=investigation_id,
        data=payload.dict(),
    )
