"""Loading the catalogue: one transaction makes a new version with all its rows.

The file is parsed once (schema.parse_catalogue); the version keeps the typed catalogue, and
its rows are written from it. A new version that drops a category or purpose still holding
data is refused with the counts of what it would leave behind (catalogue.versions), unless
the loader says `force` after reading that plan.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import audit_record
from rekisteri.catalogue import models as m
from rekisteri.catalogue.schema import Catalogue, parse_catalogue
from rekisteri.catalogue.selectors import (
    CatalogueUnreadable,
    catalogue_snapshot,
    forget_snapshot,
    snapshot_of,
)
from rekisteri.catalogue.versions import DropPlan, drop_plan
from rekisteri.register.models import Controller


class CatalogueDropRefused(Exception):
    """The new catalogue drops categories or purposes that still hold data."""

    def __init__(self, plan: DropPlan) -> None:
        self.plan = plan
        super().__init__(
            "the new catalogue drops categories or purposes that still hold data:\n"
            + "\n".join(plan.lines())
        )


@transaction.atomic
def catalogue_load(
    *, text: str, source_name: str, actor: Any, force: bool = False
) -> tuple[m.CatalogueVersion, bool]:
    """Validate and load a catalogue. Returns (version, created); an unchanged file loads nothing.

    Raises CatalogueError for an invalid file and CatalogueDropRefused when it drops a
    category or purpose still holding data (unless `force`: then the plan goes to the audit
    trail with the load).
    """
    catalogue: Catalogue = parse_catalogue(text)
    sha = hashlib.sha256(text.encode()).hexdigest()
    current = m.CatalogueVersion.objects.select_for_update().order_by("-id").first()
    if current is not None and current.sha256 == sha:
        return current, False
    plan = catalogue_drop_plan(catalogue, current=current)
    if plan is not None and plan.holds_data and not force:
        raise CatalogueDropRefused(plan)
    actor_name = getattr(actor, "name", None) or getattr(actor, "username", None) or str(actor)
    version = m.CatalogueVersion.objects.create(
        version=catalogue.version,
        sha256=sha,
        source_name=source_name,
        source_text=text,
        loaded_by=actor_name,
        document=catalogue.model_dump(mode="json"),
    )
    # An id can come round again after a rolled-back load (SQLite reuses it): never answer
    # with a snapshot of another catalogue.
    forget_snapshot(version.pk)
    _write_rows(version, catalogue)
    detail: dict[str, Any] = {
        section: len(getattr(catalogue, section))
        for section in ("controllers", "categories", "purposes", "sources", "recipients")
    }
    detail.update(retention=len(catalogue.retention), roles=len(catalogue.roles))
    if plan is not None and plan.holds_data:
        detail["forced_drop"] = plan.as_dict()
    audit_record(
        actor=actor,
        action=AuditAction.CATALOGUE,
        record=f"catalogue.CatalogueVersion:{version.pk}",
        reason=f"catalogue {catalogue.version} loaded from {source_name}"
        + (" (dropping data-holding entries, forced)" if "forced_drop" in detail else ""),
        detail=detail,
    )
    # The privacy notice is written from the same catalogue: refuse one it cannot be
    # written from, and publish a new dated version when the notice changes.
    from rekisteri.notice.services import notice_version_sync

    notice_version_sync(actor=actor, catalogue_version=version)
    return version, True


def catalogue_drop_plan(
    catalogue: Catalogue, *, current: m.CatalogueVersion | None = None
) -> DropPlan | None:
    """What loading `catalogue` would leave behind of the current version's entries (None:
    nothing is loaded, or the current version predates the typed format)."""
    current = current or m.CatalogueVersion.objects.order_by("-id").first()
    if current is None:
        return None
    try:
        old = catalogue_snapshot(current.pk)
    except CatalogueUnreadable:
        return None  # nothing to compare with
    return drop_plan(old, snapshot_of(catalogue))


def _write_rows(version: m.CatalogueVersion, catalogue: Catalogue) -> None:
    """The version's rows, written from the typed catalogue (a queryable record of it)."""
    for c in catalogue.controllers:
        Controller.objects.update_or_create(
            code=c.code,
            defaults={
                "name": c.name,
                "business_id": c.business_id,
                "country": c.country,
                "street": c.street,
                "postal_code": c.postal_code,
                "city": c.city,
                "email": c.email,
                "phone": c.phone,
                "website": c.website,
                "dpo_name": c.dpo_name,
                "dpo_email": c.dpo_email,
                "dpo_address": c.dpo_address,
            },
        )
    categories = {
        c.code: m.DataCategory.objects.create(
            version=version,
            code=c.code,
            name=c.name,
            description=c.description,
            sensitive=c.sensitive,
            subjects=list(c.subjects),
        )
        for c in catalogue.categories
    }
    m.Source.objects.bulk_create(
        m.Source(version=version, code=s.code, name=s.name, description=s.description, kind=s.kind)
        for s in catalogue.sources
    )
    m.Recipient.objects.bulk_create(
        m.Recipient(
            version=version,
            code=r.code,
            name=r.name,
            description=r.description,
            kind=r.kind,
            function=r.function,
            functions=list(r.functions),
            country=r.country,
            safeguard=r.safeguard,
        )
        for r in catalogue.recipients
    )
    purposes = {}
    for p in catalogue.purposes:
        purpose = m.Purpose.objects.create(
            version=version,
            code=p.code,
            name=p.name,
            description=p.description,
            legal_basis=p.legal_basis,
            legitimate_interest=p.legitimate_interest,
            legal_bases=[e.model_dump(mode="json") for e in p.legal_bases],
            objection=p.objection,
            profiling=p.profiling,
            direct_marketing=p.direct_marketing,
            shared_within_group=p.shared_within_group,
            capabilities=sorted(p.capabilities),
            required=p.required,
            recipients=list(p.recipients),
            sources=list(p.sources),
        )
        purpose.categories.set([categories[c] for c in p.categories])
        purposes[p.code] = purpose
    m.RetentionRule.objects.bulk_create(
        m.RetentionRule(
            version=version,
            code=r.code,
            category=categories[r.category],
            anchor=r.anchor.combine or r.anchor.anchors[0],
            anchors=list(r.anchor.anchors),
            combine=r.anchor.combine,
            while_any=list(r.while_any),
            period_days=r.period.days,
            period_months=r.period.months,
            period_years=r.period.years,
            action=r.action,
            legal_reference=r.legal_reference,
            description=r.description,
        )
        for r in catalogue.retention
    )
    for role in catalogue.roles:
        obj = m.Role.objects.create(
            version=version,
            code=role.code,
            name=role.name,
            description=role.description,
            mfa_required=role.mfa_required,
        )
        obj.purposes.set([purposes[p] for p in role.purposes])
