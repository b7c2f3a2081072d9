"""Reads of interactions: a person's and an organisation's timeline.

A user sees only the kinds whose data category their purposes cover on that group company's
records (access.selectors.Scope.categories_for), and every look is audited with the
categories shown. The UI and the API both call these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.http import Http404

from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.common.personal import mapped_fields
from rekisteri.interactions.models import KINDS
from rekisteri.register.models import Organization, Person, record_key
from rekisteri.register.selectors import organization_get, person_get

LIMIT = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Item:
    kind: str
    category: str
    id: int
    occurred_at: datetime | None
    title: str
    fields: dict[str, Any]
    person_id: int | None
    organization_id: int | None
    has_file: bool = False
    record: str = ""


@dataclass
class Timeline:
    items: list[Item] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    hidden_categories: list[str] = field(default_factory=list)


def _title(kind: str, obj: Any) -> str:
    for name in ("subject", "number", "reference", "service", "camera", "page", "role"):
        value = getattr(obj, name, "")
        if value:
            return f"{obj._meta.verbose_name}: {value}"
    if kind == "event_registration":
        return f"{obj._meta.verbose_name}: {obj.event}"
    return str(obj._meta.verbose_name)


def _item(kind: str, obj: Any) -> Item:
    model = KINDS[kind]
    fields: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.name in ("id", "controller", "person", "organization", "occurred_at"):
            continue
        if f.is_relation:
            fields[f.name] = getattr(obj, f.attname)
        else:
            fields[f.name] = getattr(obj, f.name)
    file_names = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model._meta.label == "interactions.StoredFile"
    ]
    return Item(
        kind=kind,
        category=model.retention_category,  # type: ignore[attr-defined]
        id=obj.pk,
        occurred_at=getattr(obj, "occurred_at", None),
        title=_title(kind, obj),
        fields=fields,
        person_id=getattr(obj, "person_id", None),
        organization_id=getattr(obj, "organization_id", None),
        has_file=any(getattr(obj, f + "_id") for f in file_names),
        record=record_key(obj),
    )


def _visible_kinds(categories: frozenset[str], kind: str | None) -> list[str]:
    return [
        k
        for k, m in KINDS.items()
        if m.retention_category in categories and (kind is None or k == kind)  # type: ignore[attr-defined]
    ]


def _collect(filter_: dict[str, Any], kinds: list[str], limit: int) -> list[Item]:
    items: list[Item] = []
    for kind in kinds:
        model = KINDS[kind]
        qs = model._default_manager.filter(**filter_).order_by("-occurred_at", "-id")
        if kind == "event_registration":
            qs = qs.select_related("event")
        items.extend(_item(kind, obj) for obj in qs[:limit])
    items.sort(key=lambda i: (i.occurred_at or _EPOCH, i.id), reverse=True)
    return items[:limit]


def person_timeline(
    *,
    scope: Scope,
    actor: Actor,
    person_id: int,
    kind: str | None = None,
    limit: int = LIMIT,
) -> tuple[Person, Timeline]:
    person = person_get(scope=scope, person_id=person_id)
    categories = scope.categories_for(person.controller_id)
    kinds = _visible_kinds(categories, kind)
    timeline = Timeline(items=_collect({"person_id": person.pk}, kinds, limit))
    all_cats = {m.retention_category for m in KINDS.values()}  # type: ignore[attr-defined]
    timeline.categories = sorted(all_cats & set(categories))
    timeline.hidden_categories = sorted(all_cats - set(categories))
    shown = sorted({i.category for i in timeline.items})
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        person_id=person.pk,
        record=f"interactions.timeline:{person.pk}",
        categories=shown,
        purpose=_purpose(scope, shown),
        detail={"items": len(timeline.items)},
    )
    return person, timeline


def organization_timeline(
    *,
    scope: Scope,
    actor: Actor,
    organization_id: int,
    kind: str | None = None,
    limit: int = LIMIT,
) -> tuple[Organization, Timeline]:
    org = organization_get(scope=scope, organization_id=organization_id)
    categories = scope.categories_for(org.controller_id)
    kinds = _visible_kinds(categories, kind)
    timeline = Timeline(items=_collect({"organization_id": org.pk}, kinds, limit))
    # Rows of persons under restriction are stored only; not shown in an organisation list.
    restricted = set(
        Person.objects.filter(
            pk__in={i.person_id for i in timeline.items if i.person_id},
            restricted_since__isnull=False,
        ).values_list("pk", flat=True)
    )
    timeline.items = [i for i in timeline.items if i.person_id not in restricted]
    all_cats = {m.retention_category for m in KINDS.values()}  # type: ignore[attr-defined]
    timeline.categories = sorted(all_cats & set(categories))
    timeline.hidden_categories = sorted(all_cats - set(categories))
    shown = sorted({i.category for i in timeline.items})
    person_ids = sorted({i.person_id for i in timeline.items if i.person_id})
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        person_ids=person_ids,
        record=f"interactions.organization_timeline:{org.pk}",
        categories=shown,
        purpose=_purpose(scope, shown),
        detail={"items": len(timeline.items)},
    )
    return org, timeline


def interaction_get(*, scope: Scope, kind: str, pk: int) -> models.Model:
    """One interaction the user may see (for its file); 404 otherwise."""
    if kind not in KINDS:
        raise Http404
    model = KINDS[kind]
    obj = model._default_manager.filter(pk=pk).select_related("controller").first()
    if obj is None:
        raise Http404
    if model.retention_category not in scope.categories_for(obj.controller_id):  # type: ignore[attr-defined]
        raise Http404
    if obj.person_id is not None:
        person_get(scope=scope, person_id=obj.person_id)
    return obj


def personal_field_names(kind: str) -> list[str]:
    return [m.name for m in mapped_fields(KINDS[kind])]


def _purpose(scope: Scope, categories: list[str]) -> str:
    from rekisteri.catalogue.selectors import catalogue_snapshot

    snap = catalogue_snapshot()
    for code in sorted(scope.purposes):
        if code in snap.purposes and set(categories) <= snap.purposes[code].categories:
            return code
    return sorted(scope.purposes)[0] if scope.purposes else ""
