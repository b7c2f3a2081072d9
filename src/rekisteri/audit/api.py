"""The audit trail in the API: the DPO's access log of one person, and the chain check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.api.errors import ERRORS, ERRORS_NO_404, PathId
from rekisteri.audit.selectors import audit_access_log, audit_chain_head
from rekisteri.audit.verification import audit_chain_check

router = Router(tags=["audit"])


class AccessLogEntryOut(Schema):
    seq: int
    at: datetime
    actor: str
    action: str
    purpose: str
    categories: list[str]
    fields: list[str]
    ip: str | None
    reason: str
    batch: bool


class ChainOut(Schema):
    intact: bool
    checked: int
    head_seq: int
    head_hash: str
    problem: str | None
    problem_seq: int | None


@router.get(
    "/persons/{person_id}/access-log",
    response={200: list[AccessLogEntryOut], **ERRORS},
    operation_id="audit_access_log",
    summary="Who accessed or changed a person's data, when and why (DPO only)",
)
@requires(Cap.READ_AUDIT_TRAIL)
def access_log(request: HttpRequest, person_id: PathId) -> Any:
    return audit_access_log(scope=scope_of(request), person_id=person_id)  # type: ignore[attr-defined]


@router.get(
    "/verify",
    response={200: ChainOut, **ERRORS_NO_404},
    operation_id="audit_verify",
    summary="Check the audit trail's hash chain (DPO and administrators)",
)
@requires(Cap.VERIFY_AUDIT_TRAIL)
def verify(request: HttpRequest) -> Any:
    checked, problem = audit_chain_check()
    seq, head = audit_chain_head()
    return {
        "intact": problem is None,
        "checked": checked,
        "head_seq": seq,
        "head_hash": head,
        "problem": str(problem) if problem else None,
        "problem_seq": problem.seq if problem else None,
    }
