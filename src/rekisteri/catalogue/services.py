"""Loading the catalogue: one transaction makes a new version with all its rows."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import audit_record
from rekisteri.catalogue import models as m
from rekisteri.catalogue.schema import CatalogueData, parse_catalogue
from rekisteri.catalogue.selectors import forget_snapshot
from rekisteri.register.models import Controller
from rekisteri.register.validators import normalise_business_id


def _texts(entry: dict[str, Any], key: str) -> dict[str, str]:
    value = entry.get(key) or {}
    return value if isinstance(value, dict) else {"fi": value, "sv": value, "en": value}


@transaction.atomic
def catalogue_load(*, text: str, source_name: str, actor: Any) -> tuple[m.CatalogueVersion, bool]:
    """Validate and load a catalogue. Returns (version, created); an unchanged file loads nothing."""
    data: CatalogueData = parse_catalogue(text)
    sha = hashlib.sha256(text.encode()).hexdigest()
    current = m.CatalogueVersion.objects.order_by("-id").first()
    if current is not None and current.sha256 == sha:
        return current, False
    actor_name = getattr(actor, "name", None) or getattr(actor, "username", None) or str(actor)
    version = m.CatalogueVersion.objects.create(
        version=data.version,
        sha256=sha,
        source_name=source_name,
        source_text=text,
        loaded_by=actor_name,
    )
    # An id can come round again after a rolled-back load (SQLite reuses it): never answer
    # with a snapshot of another catalogue.
    forget_snapshot(version.pk)
    s = data.sections
    for c in s["controllers"]:
        country = c.get("country", "FI")
        Controller.objects.update_or_create(
            code=c["code"],
            defaults={
                "name": c["name"],
                "business_id": normalise_business_id(str(c["business_id"]), country),
                "country": country,
                "street": c.get("street", ""),
                "postal_code": c.get("postal_code", ""),
                "city": c.get("city", ""),
                "email": c.get("email", ""),
                "phone": c.get("phone", ""),
                "website": c.get("website", ""),
                "dpo_name": c.get("dpo_name", ""),
                "dpo_email": c.get("dpo_email", ""),
                "dpo_address": c.get("dpo_address", ""),
            },
        )
    categories = {
        c["code"]: m.DataCategory.objects.create(
            version=version,
            code=c["code"],
            name=c["name"],
            description=_texts(c, "description"),
            sensitive=bool(c.get("sensitive", False)),
            subjects=c.get("subjects", []),
        )
        for c in s["categories"]
    }
    for src in s["sources"]:
        m.Source.objects.create(
            version=version,
            code=src["code"],
            name=src["name"],
            description=_texts(src, "description"),
            kind=src["kind"],
        )
    for r in s["recipients"]:
        m.Recipient.objects.create(
            version=version,
            code=r["code"],
            name=r["name"],
            description=_texts(r, "description"),
            kind=r["kind"],
            function=r["function"],
            country=r["country"],
            safeguard=r.get("safeguard") or {},
        )
    purposes = {}
    for p in s["purposes"]:
        purpose = m.Purpose.objects.create(
            version=version,
            code=p["code"],
            name=p["name"],
            description=_texts(p, "description"),
            legal_basis=p["legal_basis"],
            legitimate_interest=p.get("legitimate_interest") or {},
            objection=p["objection"],
            profiling=bool(p.get("profiling", False)),
            direct_marketing=bool(p.get("direct_marketing", False)),
            shared_within_group=bool(p.get("shared_within_group", False)),
            capabilities=sorted(p.get("capabilities", [])),
            required=p.get("required") or {},
            recipients=p.get("recipients", []),
            sources=p.get("sources", []),
        )
        purpose.categories.set([categories[c] for c in p["categories"]])
        purposes[p["code"]] = purpose
    for r in s["retention"]:
        period = r["_period"]
        m.RetentionRule.objects.create(
            version=version,
            code=r["code"],
            category=categories[r["category"]],
            anchor=r["anchor"],
            period_days=period.days,
            period_months=period.months,
            period_years=period.years,
            action=r.get("action", "delete"),
            legal_reference=r.get("legal_reference", ""),
            description=_texts(r, "description"),
        )
    for role in s["roles"]:
        obj = m.Role.objects.create(
            version=version,
            code=role["code"],
            name=role["name"],
            description=_texts(role, "description"),
            mfa_required=bool(role.get("mfa_required", False)),
        )
        obj.purposes.set([purposes[p] for p in role.get("purposes", [])])
    audit_record(
        actor=actor,
        action=AuditAction.CATALOGUE,
        record=f"catalogue.CatalogueVersion:{version.pk}",
        reason=f"catalogue {data.version} loaded from {source_name}",
        detail={section: len(entries) for section, entries in s.items()},
    )
    # The privacy notice is written from the same catalogue: refuse one it cannot be
    # written from, and publish a new dated version when the notice changes.
    from rekisteri.notice.services import notice_version_sync

    notice_version_sync(actor=actor, catalogue_version=version)
    return version, True
