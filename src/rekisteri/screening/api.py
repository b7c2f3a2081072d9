"""Screening in the JSON API: the open hits (the review queue) and deciding one. The same
selectors and services as the staff pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.api.auth import TokenAuth
from rekisteri.api.errors import errors
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.register.inputs import InputError
from rekisteri.screening import selectors, services
from rekisteri.screening.selectors import Row

router = Router()
SCREENING = TokenAuth()
MAX_ID = 2**63 - 1
TAGS = ["screening"]  # catalogue-free: the OpenAPI tag of the app, not the category
HitId = Annotated[int, Path(ge=1, le=MAX_ID)]
Kind = Annotated[str, Path(pattern="^(person|organisation)$")]


class ReasonOut(Schema):
    kind: str = Field(description="name, alias, birth_date, country, …")
    ours: str = Field(description="our value that matched")
    theirs: str = Field(description="the list entry's value it matched")
    similarity: float


class HitOut(Schema):
    id: int
    kind: str = Field(description="person or organisation")
    subject_id: int
    subject: str
    list: str
    list_version_id: int
    entity_key: str
    caption: str = Field(description="the entry's main name on the list")
    score: float
    reasons: list[ReasonOut]
    why: list[str] = Field(description="the reasons in words, in the caller's language")
    status: str = Field(description="open, match, false_positive or withdrawn")
    decision_reason: str
    decided_by: str
    decided_at: datetime | None
    found_at: datetime


class DecideIn(Schema):
    decision: str = Field(description="match or false_positive")
    reason: str = Field(max_length=services.MAX_REASON)


def _out(row: Row) -> dict[str, Any]:
    h = row.hit
    return {
        "id": h.pk,
        "kind": row.kind,
        "subject_id": row.subject_id,
        "subject": row.subject,
        "list": h.list_name,
        "list_version_id": h.list_version_id,
        "entity_key": h.entity_key,
        "caption": h.caption,
        "score": h.score,
        "reasons": h.reasons,
        "why": row.why,
        "status": h.status,
        "decision_reason": h.decision_reason,
        "decided_by": h.decided_by,
        "decided_at": h.decided_at,
        "found_at": h.created_at,
    }


@router.get(
    "/hits",
    response={200: list[HitOut], **errors()},
    auth=SCREENING,
    operation_id="screening_hits_list",
    summary="The open screening hits (the review queue), best score first",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def screening_hits_list(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.open_hits(
        scope=scope_of(request), actor=actor_of(request.user, ip=client_ip(request))
    )
    return [_out(r) for r in rows]


@router.post(
    "/hits/{kind}/{hit_id}/decision",
    response={200: HitOut, **errors(body=True)},
    auth=SCREENING,
    operation_id="screening_hit_decide",
    summary="Decide an open hit: a match or a false positive, with the reason",
    tags=TAGS,
)
@requires(Cap.SCREEN_CUSTOMERS)
def screening_hit_decide(
    request: HttpRequest, kind: Kind, hit_id: HitId, payload: DecideIn
) -> dict[str, Any]:
    scope = scope_of(request)
    actor = actor_of(request.user, ip=client_ip(request))
    try:
        services.hit_decide(
            scope=scope,
            actor=actor,
            kind=kind,
            hit_id=hit_id,
            decision=payload.decision,
            reason=payload.reason,
        )
        shown = selectors.hit_get(scope=scope, actor=actor, kind=kind, hit_id=hit_id)
    except services.ScreeningError as exc:
        if exc.field == "hit":
            raise Http404 from None
        raise InputError({exc.field: exc.message}) from None
    return _out(shown["row"])
