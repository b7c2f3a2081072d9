"""Writing what the trade register says into the register's organisations.

Field by field (name, street address, postal code, city, line of business, website), the
register's value replaces ours unless the company itself (or our staff, for it) gave us a
value *later* than the register registered its own: then ours is kept, and the report says
so and why, unless the run asks `overwrite`. "Later" compares the date of our value's
provenance (register.OrganizationProvenance) with the date the register gives its value
(a name's, address's or line of business's registrationDate); when the register gives
none, with the day we last took that field from the register; when we never did, ours is
kept (nothing says the register's is newer).

A run is one transaction (`enrich`): every input is read and checked before, and a failure
while writing leaves every organisation as it was, so the report printed is either true as
a whole or nothing happened. The writes go through register.services.organization_update
(its checks, its audit event, `public_register` provenance per changed field); the
register's other facts (form, dates, status, ongoing procedures) and the review flag go into
enrichment.TradeRegisterRecord, with an audit event of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.models import SourceKind
from rekisteri.enrichment.models import Register, ReviewReason, TradeRegisterRecord
from rekisteri.enrichment.sources import RegisterCompany
from rekisteri.register.inputs import clean_organization
from rekisteri.register.models import Organization, OrganizationProvenance, record_key
from rekisteri.register.services import SourceRef, organization_update

#: the organisation fields a register may give, in the order a report lists them
FIELDS = ("name", "street", "postal_code", "city", "industry", "website")
SOURCE_NAMES = {
    Register.YTJ: "PRH open data (YTJ)",
    Register.BOLAGSVERKET: "Bolagsverket open data (bulk file)",
}


class Why:
    """Why a field was changed or kept (stored in the record's report; the page words it)."""

    EMPTY = "empty"
    REGISTER_AGAIN = "register_again"
    REGISTER_NEWER = "register_newer"
    OVERWRITE = "overwrite"
    OURS_NEWER = "ours_newer"
    NOT_ACCEPTED = "not_accepted"


WHY_TEXT = {
    Why.EMPTY: "we had no value",
    Why.REGISTER_AGAIN: "our value came from the register too",
    Why.REGISTER_NEWER: "the register's value (since {since}) is newer than ours (from {ours})",
    Why.OVERWRITE: "overwrite was asked",
    Why.OURS_NEWER: "our value from {ours} is newer than the register's{since_text}",
    Why.NOT_ACCEPTED: "the register's value is not a valid value here ({error})",
}


@dataclass
class FieldOutcome:
    field: str
    changed: bool
    why: str
    since: str = ""
    ours: str = ""
    error: str = ""

    def text(self) -> str:
        since_text = (
            f" (since {self.since})" if self.since else " (the register does not say since when)"
        )
        return f"{self.field}: " + WHY_TEXT[self.why].format(
            since=self.since or "?", ours=self.ours, since_text=since_text, error=self.error
        )

    def as_json(self) -> dict[str, str]:
        return {
            "field": self.field,
            "changed": "yes" if self.changed else "",
            "why": self.why,
            "since": self.since,
            "ours": self.ours,
        }


@dataclass
class OrgReport:
    organization_id: int
    organization: str
    group_company: str
    business_id: str
    outcomes: list[FieldOutcome] = field(default_factory=list)
    review: str = ""
    review_new: bool = False

    @property
    def changed(self) -> list[FieldOutcome]:
        return [o for o in self.outcomes if o.changed]

    @property
    def kept(self) -> list[FieldOutcome]:
        return [o for o in self.outcomes if not o.changed]

    def lines(self) -> list[str]:
        head = f"{self.business_id} {self.organization} ({self.group_company})"
        out = [head]
        if self.changed:
            out.append("  changed: " + "; ".join(o.text() for o in self.changed))
        if self.kept:
            out.append("  kept: " + "; ".join(o.text() for o in self.kept))
        if not self.outcomes:
            out.append("  nothing to change")
        if self.review:
            label = str(ReviewReason(self.review).label)
            state = "flagged for review" if self.review_new else "still flagged for review"
            out.append(f"  {state}: {label}")
        return out


@dataclass
class RunReport:
    organizations: list[OrgReport] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)

    def summary(self) -> str:
        changed = sum(1 for r in self.organizations if r.changed)
        flagged = sum(1 for r in self.organizations if r.review)
        return (
            f"{len(self.organizations)} organisations checked, {changed} changed, "
            f"{flagged} flagged for review, {len(self.not_found)} business IDs not in the register"
        )


def _day(moment: datetime | date | None) -> date | None:
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def _provenance(org: Organization) -> tuple[dict[str, Any], dict[str, date]]:
    """The latest provenance of each field, and the day each was last taken from a register."""
    latest: dict[str, Any] = {}
    from_register: dict[str, date] = {}
    for row in OrganizationProvenance.objects.filter(organization=org).order_by(
        "-collected_at", "-id"
    ):
        for name in row.fields:
            latest.setdefault(name, row)
            if row.source_kind == SourceKind.PUBLIC_REGISTER:
                from_register.setdefault(name, _day(row.collected_at))  # type: ignore[arg-type]
    return latest, from_register


def _decide(
    org: Organization, company: RegisterCompany, overwrite: bool
) -> tuple[dict[str, str], list[FieldOutcome]]:
    latest, from_register = _provenance(org)
    changes: dict[str, str] = {}
    outcomes: list[FieldOutcome] = []
    for name in FIELDS:
        value = company.values.get(name)
        if value is None or getattr(org, name) == value.value:
            continue
        register_since = value.since or from_register.get(name)
        since = register_since.isoformat() if register_since else ""
        prov = latest.get(name)
        if not getattr(org, name):
            outcome = FieldOutcome(name, True, Why.EMPTY, since)
        elif prov is not None and prov.source_kind == SourceKind.PUBLIC_REGISTER:
            outcome = FieldOutcome(name, True, Why.REGISTER_AGAIN, since)
        else:
            ours = _day(prov.collected_at if prov is not None else org.created_at)
            ours_text = ours.isoformat() if ours else ""
            if overwrite:
                outcome = FieldOutcome(name, True, Why.OVERWRITE, since, ours_text)
            elif register_since is not None and ours is not None and register_since > ours:
                outcome = FieldOutcome(name, True, Why.REGISTER_NEWER, since, ours_text)
            else:
                outcome = FieldOutcome(name, False, Why.OURS_NEWER, since, ours_text)
        if outcome.changed:
            cleaned = clean_organization({name: value.value}, partial=True)
            if cleaned.errors:
                outcome = FieldOutcome(
                    name, False, Why.NOT_ACCEPTED, since, error="; ".join(cleaned.errors.values())
                )
            else:
                changes[name] = cleaned.values.get(name, value.value)
        outcomes.append(outcome)
    return changes, outcomes


def enrich_organization(
    *,
    actor: Actor,
    scope: Scope,
    organization: Organization,
    company: RegisterCompany,
    overwrite: bool = False,
) -> OrgReport:
    """One organisation from one register record: its fields, its register facts, its flag."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        changes, outcomes = _decide(org, company, overwrite)
        source = SourceRef(kind=SourceKind.PUBLIC_REGISTER, name=SOURCE_NAMES[company.register])
        if changes:
            organization_update(
                actor=actor,
                organization=org,
                data=changes,
                scope=scope,
                source=source,
                reason=f"from the trade register ({company.register})",
            )
        now = timezone.now()
        record = TradeRegisterRecord.objects.filter(organization=org).first()
        reason = company.review_reason
        new_flag = bool(reason) and (record is None or record.review_reason != reason)
        values = {
            "register": company.register,
            "registered_name": company.values["name"].value if "name" in company.values else "",
            "company_form": company.company_form,
            "registration_date": company.registration_date,
            "end_date": company.end_date,
            "status": company.status,
            "procedures": list(company.procedures),
            "register_modified": company.modified,
            "collected_at": now,
            "recorded_by": actor.name,
            "review_reason": reason,
            "last_report": [o.as_json() for o in outcomes],
        }
        if new_flag or not reason:
            values.update(review_open=bool(reason), reviewed_at=None, reviewed_by="")
        TradeRegisterRecord.objects.update_or_create(organization=org, defaults=values)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            record=record_key(org),
            fields=["trade_register"],
            reason=(
                f"checked against the trade register ({company.register})"
                + (f"; flagged for review: {reason}" if new_flag else "")
            ),
            detail=scope.audit_detail(),
        )
    return OrgReport(
        organization_id=org.pk,
        organization=org.name,
        group_company=org.controller.name,
        business_id=org.business_id,
        outcomes=outcomes,
        review=reason,
        review_new=new_flag,
    )


def enrich(
    *,
    actor: Actor,
    scope: Scope,
    companies: list[RegisterCompany],
    overwrite: bool = False,
    controller_id: int | None = None,
    dry_run: bool = False,
) -> RunReport:
    """Every organisation (of the scope's group companies, or of one) whose business ID the
    register records gives; one transaction for the run (rolled back for a dry run)."""
    report = RunReport()
    controllers = set(scope.controller_ids)
    if controller_id is not None:
        controllers &= {controller_id}
    with transaction.atomic():
        for company in companies:
            orgs = list(
                Organization.objects.filter(
                    country=company.country,
                    business_id=company.business_id,
                    controller_id__in=controllers,
                )
                .select_related("controller")
                .order_by("controller__name", "pk")
            )
            if not orgs:
                report.not_found.append(company.business_id)
            for org in orgs:
                report.organizations.append(
                    enrich_organization(
                        actor=actor,
                        scope=scope,
                        organization=org,
                        company=company,
                        overwrite=overwrite,
                    )
                )
        if dry_run:
            transaction.set_rollback(True)
    return report


@transaction.atomic
def review_close(*, actor: Actor, scope: Scope, organization: Organization) -> None:
    """Staff have looked at the register's news (ended, struck off, winding up): the flag
    goes until the register says something new."""
    record = (
        TradeRegisterRecord.objects.select_for_update().filter(organization=organization).first()
    )
    if record is None or not record.review_open:
        return
    record.review_open = False
    record.reviewed_at = timezone.now()
    record.reviewed_by = actor.name
    record.save(update_fields=["review_open", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        record=record_key(organization),
        fields=["trade_register"],
        reason=f"trade register news reviewed: {record.review_reason}",
        detail=scope.audit_detail(),
    )
