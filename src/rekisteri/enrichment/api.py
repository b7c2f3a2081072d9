"""Enrichment in the JSON API: what the trade register last said about an organisation
(its public-register provenance field by field, the register's facts and the review flag),
the open review flags, and asking for an update from the trade register (which queues the
worker's job, as the button on the organisation's page does). The same selectors, services
and job as the staff pages; organisations are not personal data, so reads are not in the
access log (the organisation's page is not either)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.api.auth import TokenAuth
from rekisteri.api.errors import errors
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.enrichment import selectors, services
from rekisteri.enrichment.jobs import update_enqueue
from rekisteri.enrichment.models import TradeRegisterRecord
from rekisteri.enrichment.views import fetchable
from rekisteri.register.inputs import InputError
from rekisteri.register.models import Organization
from rekisteri.register.selectors import organization_get

router = Router()
ENRICHMENT = TokenAuth()
MAX_ID = 2**63 - 1
TAGS = ["trade register"]
OrgId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: the open review flags listed at most (few organisations end at a time)
SHOWN = 500


class FieldProvenanceOut(Schema):
    field: str = Field(description="the organisation's field (name, street, city, …)")
    source_kind: str = Field(
        description="public_register, data_subject (the company itself), generated (our "
        "staff's record), group_company or third_party"
    )
    source: str = Field(description="the source in words, e.g. PRH open data (YTJ)")
    collected_at: datetime
    recorded_by: str


class TradeRegisterFieldOut(Schema):
    field: str
    changed: bool = Field(description="true: taken from the register; false: ours kept")
    why: str = Field(
        description="empty, register_again, register_newer, overwrite, ours_newer or "
        "not_accepted (docs/enrichment.md, Whose value wins)"
    )
    text: str = Field(description="the same in words (English)")


class TradeRegisterReviewOut(Schema):
    open: bool = Field(description="true while staff have not marked the news as reviewed")
    reason: str = Field(description="ended, struck_off, winding_up, or empty")
    reason_text: str = Field(description="the reason in words, in the caller's language")
    reviewed_at: datetime | None
    reviewed_by: str


class TradeRegisterRecordOut(Schema):
    source_register: str = Field(description="ytj (PRH) or bolagsverket")
    registered_name: str
    company_form: str
    registration_date: date | None
    end_date: date | None
    status: str = Field(
        description="registered, not_registered, ended, struck_off, other, or empty"
    )
    procedures: list[str] = Field(description="liquidation, bankruptcy, reorganisation, …")
    register_modified: datetime | None
    checked_at: datetime
    checked_by: str
    review: TradeRegisterReviewOut
    last_update: list[TradeRegisterFieldOut]


class TradeRegisterOut(Schema):
    organization_id: int
    name: str
    country: str
    business_id: str
    updatable: bool = Field(
        description="whether an update can be fetched from the register (a Finnish "
        "organisation with a business ID)"
    )
    trade_register: TradeRegisterRecordOut | None = Field(
        description="what the register last said; null when it was never checked"
    )
    provenance: list[FieldProvenanceOut] = Field(
        description="where each field last came from, newest first"
    )


class TradeRegisterReviewRowOut(Schema):
    organization_id: int
    name: str
    business_id: str
    group_company: str
    reason: str
    reason_text: str
    end_date: date | None
    checked_at: datetime


class TradeRegisterReviewListOut(Schema):
    count: int
    items: list[TradeRegisterReviewRowOut]


class TradeRegisterQueuedOut(Schema):
    organization_id: int
    job_id: int
    detail: str


def _report(record: TradeRegisterRecord) -> list[dict[str, Any]]:
    rows = []
    for row in record.last_report:
        outcome = services.FieldOutcome(
            field=str(row.get("field", "")),
            changed=bool(row.get("changed")),
            why=str(row.get("why", "")),
            since=str(row.get("since", "")),
            ours=str(row.get("ours", "")),
        )
        try:
            text = outcome.text()
        except KeyError:  # a reason this version does not know: no words for it
            text = ""
        rows.append(
            {"field": outcome.field, "changed": outcome.changed, "why": outcome.why, "text": text}
        )
    return rows


def _record_out(record: TradeRegisterRecord) -> dict[str, Any]:
    return {
        "source_register": record.register,
        "registered_name": record.registered_name,
        "company_form": record.company_form,
        "registration_date": record.registration_date,
        "end_date": record.end_date,
        "status": record.status,
        "procedures": list(record.procedures),
        "register_modified": record.register_modified,
        "checked_at": record.collected_at,
        "checked_by": record.recorded_by,
        "review": {
            "open": record.review_open,
            "reason": record.review_reason,
            "reason_text": str(record.get_review_reason_display()) if record.review_reason else "",
            "reviewed_at": record.reviewed_at,
            "reviewed_by": record.reviewed_by,
        },
        "last_update": _report(record),
    }


def _out(org: Organization) -> dict[str, Any]:
    record = selectors.record_of(organization=org)
    provenance = selectors.field_provenance(organization=org)
    rows = sorted(provenance.items(), key=lambda kv: (-kv[1].collected_at.timestamp(), kv[0]))
    return {
        "organization_id": org.pk,
        "name": org.name,
        "country": org.country,
        "business_id": org.business_id,
        "updatable": fetchable(org),
        "trade_register": _record_out(record) if record is not None else None,
        "provenance": [
            {
                "field": name,
                "source_kind": row.source_kind,
                "source": row.source_name or str(row.get_source_kind_display()),
                "collected_at": row.collected_at,
                "recorded_by": row.recorded_by,
            }
            for name, row in rows
        ],
    }


@router.get(
    "/organizations/{organization_id}",
    response={200: TradeRegisterOut, **errors()},
    auth=ENRICHMENT,
    operation_id="trade_register_get",
    summary="What the trade register last said about an organisation: provenance per "
    "field, the register's facts and the review flag",
    tags=TAGS,
)
@requires(Cap.KEEP_REGISTER)
def trade_register_get(request: HttpRequest, organization_id: OrgId) -> dict[str, Any]:
    org = organization_get(scope=scope_of(request), organization_id=organization_id)
    return _out(org)


@router.get(
    "/review",
    response={200: TradeRegisterReviewListOut, **errors(not_found=False)},
    auth=ENRICHMENT,
    operation_id="trade_register_review_list",
    summary="Organisations whose trade register news (ended, struck off, winding up) "
    "waits for a review",
    tags=TAGS,
)
@requires(Cap.KEEP_REGISTER)
def trade_register_review_list(request: HttpRequest) -> dict[str, Any]:
    found = selectors.review_list(scope=scope_of(request))
    return {
        "count": found.count(),
        "items": [
            {
                "organization_id": r.organization_id,
                "name": r.organization.name,
                "business_id": r.organization.business_id,
                "group_company": r.organization.controller.name,
                "reason": r.review_reason,
                "reason_text": str(r.get_review_reason_display()),
                "end_date": r.end_date,
                "checked_at": r.collected_at,
            }
            for r in found[:SHOWN]
        ],
    }


@router.post(
    "/organizations/{organization_id}/update",
    response={202: TradeRegisterQueuedOut, **errors()},
    auth=ENRICHMENT,
    operation_id="trade_register_update",
    summary="Ask for an update from the trade register: queues the worker's job, which "
    "fetches the company from PRH and applies it",
    tags=TAGS,
)
@requires(Cap.UPDATE_FROM_TRADE_REGISTER)
def trade_register_update(request: HttpRequest, organization_id: OrgId) -> tuple[int, Any]:
    org = organization_get(scope=scope_of(request), organization_id=organization_id)
    if not fetchable(org):
        raise InputError(
            {
                "organization_id": "only a Finnish organisation with a business ID can be "
                "updated from the trade register"
            }
        )
    job = update_enqueue(org, requested_by=request.user.get_username())
    return 202, {
        "organization_id": org.pk,
        "job_id": job.pk,
        "detail": "queued: the worker fetches the company and applies it; read this "
        "organisation's trade register record for the result",
    }


@router.post(
    "/organizations/{organization_id}/reviewed",
    response={200: TradeRegisterOut, **errors()},
    auth=ENRICHMENT,
    operation_id="trade_register_reviewed",
    summary="Mark the trade register's news about an organisation as reviewed",
    tags=TAGS,
)
@requires(Cap.UPDATE_FROM_TRADE_REGISTER)
def trade_register_reviewed(request: HttpRequest, organization_id: OrgId) -> dict[str, Any]:
    scope = scope_of(request)
    org = organization_get(scope=scope, organization_id=organization_id)
    services.review_close(
        actor=actor_of(request.user, ip=client_ip(request)),
        scope=scope,
        organization=org,
    )
    return _out(org)
