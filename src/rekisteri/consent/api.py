"""Consent in the API: a person's marketing permissions with their proof, and the direct
marketing prohibition (suoramarkkinointikielto / spärr mot direktmarknadsföring).

For integrations such as a web shop or a customer service system that must know, before
they contact someone, whether they may, and that must pass on an objection at once. The
same rules engine, selectors and services as the staff pages: a person whose consents the
caller may not read (another group company's, or shared under a purpose that does not
cover them) is 404; recording an objection for a shared person is refused (403).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.selectors import Scope
from rekisteri.api.errors import PathId, errors
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.common.client import client_ip
from rekisteri.consent import selectors, services
from rekisteri.consent.models import ConsentMethod
from rekisteri.register.models import Person
from rekisteri.register.schemas import Body, Printable
from rekisteri.register.selectors import purpose_for

router = Router(tags=["consent"])


class DecisionOut(Schema):
    allowed: bool
    reason_code: str
    reason: str


class StatementOut(Schema):
    purpose: str
    channel: str
    state: str
    method: str
    at: datetime
    mailing_list: str | None
    text: str
    text_version: str
    current: bool


class ConsentStatusOut(Schema):
    person_id: int
    email: DecisionOut
    phone: DecisionOut
    service_messages: DecisionOut
    tracking_allowed: bool
    statements: list[StatementOut]


class ObjectionIn(Body):
    """A JSON object: a malformed call (`5`, `[]`, `"x"`) must not make a legally
    significant record, so anything else is a 422 and nothing is recorded."""

    source: Literal["email", "call", "web_form", "staff"] = "staff"
    text: Printable = Field("", max_length=2000, description="what the person said, if anything")


def _person(scope: Scope, person_id: int, *, to_change: bool = False) -> Person:
    return selectors.consent_person_get(scope=scope, person_id=person_id, to_change=to_change)


def _decision(d: selectors.Decision) -> dict[str, Any]:
    return {"allowed": d.allowed, "reason_code": d.reason_code, "reason": str(d.reason)}


def _status(person: Person) -> dict[str, Any]:
    summary = selectors.permission_summary(person=person)  # what the person page shows
    return {
        "person_id": person.pk,
        "email": _decision(summary["email"]),
        "phone": _decision(summary["phone"]),
        "service_messages": _decision(summary["service"]),
        "tracking_allowed": summary["tracking"],
        "statements": [
            {
                "purpose": c.purpose,
                "channel": c.channel,
                "state": c.state,
                "method": c.method,
                "at": c.at,
                "mailing_list": c.mailing_list.name if c.mailing_list else None,
                "text": c.text,
                "text_version": c.text_version,
                "current": c.superseded_at is None,
            }
            for c in selectors.consent_history(person_id=person.pk).order_by("-at", "-pk")
        ],
    }


@router.get(
    "/persons/{person_id}",
    response={200: ConsentStatusOut, **errors()},
    operation_id="consent_status",
    summary="May we send this person marketing, by channel and why; every statement with its proof",
)
@requires(Cap.MANAGE_CONSENTS)
def consent_status(request: HttpRequest, person_id: PathId) -> Any:
    scope = scope_of(request)
    person = _person(scope, person_id)
    categories = [selectors.consent_category()]
    with transaction.atomic():
        out = _status(person)
        audit_record(
            actor=actor_of(request.auth, ip=client_ip(request)),  # type: ignore[attr-defined]
            action=AuditAction.VIEW,
            person_id=person.pk,
            categories=categories,
            purpose=purpose_for(scope, categories, person=person, capability=Cap.MANAGE_CONSENTS),
            reason="consent status read through the API",
        )
    return out


@router.post(
    "/persons/{person_id}/objection",
    response={200: ConsentStatusOut, **errors(body=True)},
    operation_id="consent_objection",
    summary="Record the person's direct marketing prohibition (Art. 21(3)); it applies at once",
)
@requires(Cap.MANAGE_CONSENTS)
def consent_objection(request: HttpRequest, person_id: PathId, body: ObjectionIn) -> Any:
    scope = scope_of(request)
    person = _person(scope, person_id, to_change=True)
    services.marketing_objection_record(
        actor=actor_of(request.auth, ip=client_ip(request)),  # type: ignore[attr-defined]
        person=person,
        source=ConsentMethod(body.source),
        text=body.text,
        scope=scope,
    )
    return _status(person)
