"""Data subject requests in the API: the DPO's queue and one request's state, read-only.

For a ticketing or reporting system that tracks the one-month deadlines (GDPR Art. 12(3)).
What the requester wrote and their contact details are not in the answer: the request is
handled on the DPO's pages, which show them. Only the DPO (others 403); the same visibility
as the queue page (requests about persons of the DPO's group companies, and unmatched ones
recorded for them); `person_ids` lists only the records of the DPO's own group companies.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.selectors import Scope
from rekisteri.api.errors import PathId, errors
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.common.client import client_ip
from rekisteri.rights.models import RequestSubject, RightsRequest
from rekisteri.rights.selectors import QueueRow, queue_row, request_get, request_queue
from rekisteri.rights.services import RIGHTS_CATEGORY, rights_purpose

router = Router(tags=["rights"])  # catalogue-free: the API tag


class RequestOut(Schema):
    id: int
    reference: str
    kind: str
    channel: str
    status: str
    submitted_at: datetime
    received_at: datetime | None
    due_date: date | None
    extended_due_date: date | None
    deadline: date | None
    days_left: int | None
    overdue: bool
    assignee: str | None
    closed_at: datetime | None
    person_ids: list[int]
    confirmed_person_ids: list[int]


def _out(row: QueueRow, subjects: list[RequestSubject]) -> dict[str, Any]:
    r = row.request
    return {
        "id": r.pk,
        "reference": r.reference,
        "kind": r.kind,
        "channel": r.channel,
        "status": r.status,
        "submitted_at": r.submitted_at,
        "received_at": r.received_at,
        "due_date": r.due_date,
        "extended_due_date": r.extended_due_date,
        "deadline": r.deadline,
        "days_left": row.days_left,
        "overdue": row.overdue,
        "assignee": r.assignee.get_username() if r.assignee else None,
        "closed_at": r.closed_at,
        "person_ids": sorted(s.person_id for s in subjects),
        "confirmed_person_ids": sorted(s.person_id for s in subjects if s.confirmed_at),
    }


def _subjects(scope: Scope, ids: list[int]) -> dict[int, list[RequestSubject]]:
    """The requests' person records of the user's own group companies (others' are theirs)."""
    out: dict[int, list[RequestSubject]] = {i: [] for i in ids}
    for s in RequestSubject.objects.filter(
        request_id__in=ids, person__controller_id__in=scope.controller_ids
    ):
        out[s.request_id].append(s)
    return out


@router.get(
    "/requests",
    response={200: list[RequestOut], **errors(not_found=False)},
    operation_id="rights_request_list",
    summary="The DPO's queue of data subject requests with their deadlines (overdue first)",
)
@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def request_list(
    request: HttpRequest,
    show: Literal["open", "unverified", "overdue", "closed", "all"] = Query(
        "open", description="which requests"
    ),
) -> Any:
    scope = scope_of(request)
    rows = request_queue(scope=scope, show=show)
    subjects = _subjects(scope, [row.request.pk for row in rows])
    return [_out(row, subjects[row.request.pk]) for row in rows]


@router.get(
    "/requests/{request_id}",
    response={200: RequestOut, **errors()},
    operation_id="rights_request_get",
    summary="One data subject request: its state, deadline and the person records it concerns",
)
@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def request_detail(request: HttpRequest, request_id: PathId) -> Any:
    scope = scope_of(request)
    r: RightsRequest = request_get(scope=scope, request_id=request_id)
    row = queue_row(r)
    with transaction.atomic():
        out = _out(row, _subjects(scope, [r.pk])[r.pk])
        audit_record(
            actor=actor_of(request.auth, ip=client_ip(request)),  # type: ignore[attr-defined]
            action=AuditAction.VIEW,
            record=f"rights.RightsRequest:{r.pk}",
            categories=[RIGHTS_CATEGORY],
            purpose=rights_purpose(scope),
            reason="data subject request read through the API",
        )
    return out
