"""Reads of interactions: a person's and an organisation's timeline, one interaction's file.

Everything is reached through a scoped selector (404 outside the scope, as if it did not
exist):

- a person's timeline: the person as `register.selectors.person_get` finds them, with the
  kinds whose data category the user may read *of this person* (a person another group
  company shares shows only the categories of the purpose it is shared under);
- an organisation's timeline: an organisation of the user's own group companies, with only
  the rows of those companies whose category the user's purposes cover;
- a file: its row's category (and the file field's, from the field map) must be readable.

Within a row, a personal field is shown only when the user may read its category (the
field map), so an address or an IP never rides along with a row of another category. Every
look is audited with the categories shown and the purpose they served.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import (
    Scope,
    category_of,
    field_categories,
    person_categories,
    person_writable,
    persons_visible,
)
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.common.personal import mapped_fields
from rekisteri.interactions.models import KINDS, RequestStatus, ServiceRequest, WebVisit
from rekisteri.register.models import Organization, Person, record_key
from rekisteri.register.selectors import organization_get, person_get, purpose_for

LIMIT = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: columns every row has that say nothing about the person (shown as the row's frame)
_FRAME = ("id", "controller", "person", "organization", "occurred_at")


#: each kind of interaction in the user's words
KIND_LABELS = {
    "communication": gettext_lazy("Correspondence, meeting or feedback"),
    "chat": gettext_lazy("Chat transcript"),
    "call": gettext_lazy("Call recording"),
    "ticket": gettext_lazy("Service request"),
    "event_registration": gettext_lazy("Event registration"),
    "agreement": gettext_lazy("Order or contract"),
    "invoice": gettext_lazy("Invoice"),
    "assignment": gettext_lazy("Project assignment"),
    "time_entry": gettext_lazy("Time entry"),
    "service_account": gettext_lazy("Service account"),
    "web_visit": gettext_lazy("Web visit"),
    "premises_visit": gettext_lazy("Visit to the premises"),
    "camera_recording": gettext_lazy("Camera recording"),
}


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
    #: the fields for a reader: (label, value) in the user's words; `fields` keeps the
    #: field names and stored values (for the API)
    details: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class Timeline:
    items: list[Item] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    hidden_categories: list[str] = field(default_factory=list)


def kind_category(kind: str) -> str:
    """The data category of a kind's rows (the field map's)."""
    return category_of(KINDS[kind])


def _title(kind: str, obj: Any, readable: Callable[[str], bool]) -> str:
    for name in ("subject", "number", "reference", "service", "camera", "page", "role"):
        value = getattr(obj, name, "")
        if value and readable(name):
            return f"{KIND_LABELS[kind]}: {value}"
    if kind == "event_registration":
        return f"{KIND_LABELS[kind]}: {obj.event}"
    return str(KIND_LABELS[kind])


#: fields the timeline does not list (shown otherwise, or bookkeeping)
_NOT_DETAILS = ("anonymised_at", "recorded_at")


#: labels of the fields whose model gives them no name of their own
_LABELS = {
    "recorded_by": gettext_lazy("recorded by"),
    "billing_year": gettext_lazy("billing year"),
    "closed_at": gettext_lazy("closed"),
    "ip_address": gettext_lazy("IP address"),
    "status": gettext_lazy("status"),
}


def _label(f: Any) -> str:
    return str(capfirst(_LABELS.get(f.name, f.verbose_name)))


def _detail(obj: Any, f: Any) -> Any:
    """A field's value as a reader says it: a choice by its label, yes/no, a user by name;
    None for what is not worth a line (empty, a file, another record's number)."""
    value = getattr(obj, f.attname)
    if value in ("", None) or f.name in _NOT_DETAILS:
        return None
    if f.is_relation:
        if f.related_model is get_user_model():
            return getattr(obj, f.name).get_username()
        return None
    if f.choices:
        return getattr(obj, f"get_{f.name}_display")()
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    # dates in the reader's language's format, never str(datetime)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value


def _item(kind: str, obj: Any, categories: frozenset[str]) -> Item:
    model = KINDS[kind]
    mapped = field_categories(model)

    def readable(name: str) -> bool:
        # A personal field only when its category is readable; others are the row's frame.
        return name not in mapped or mapped[name] in categories

    fields: dict[str, Any] = {}
    details: list[tuple[str, Any]] = []
    for f in model._meta.concrete_fields:
        if f.name in _FRAME or not readable(f.name):
            continue
        if f.is_relation:
            fields[f.name] = getattr(obj, f.attname)
        else:
            fields[f.name] = getattr(obj, f.name)
        shown = _detail(obj, f)
        if shown is not None:
            details.append((_label(f), shown))
    file_names = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation
        and f.related_model._meta.label == "interactions.StoredFile"
        and readable(f.name)
    ]
    return Item(
        kind=kind,
        category=kind_category(kind),
        id=obj.pk,
        occurred_at=getattr(obj, "occurred_at", None),
        title=_title(kind, obj, readable),
        fields=fields,
        person_id=getattr(obj, "person_id", None),
        organization_id=getattr(obj, "organization_id", None),
        has_file=any(getattr(obj, f + "_id") for f in file_names),
        record=record_key(obj),
        details=details,
    )


def _visible_kinds(categories: frozenset[str], kind: str | None) -> list[str]:
    return [k for k in KINDS if kind_category(k) in categories and (kind is None or k == kind)]


def _collect(
    filter_: dict[str, Any], kinds: list[str], limit: int, categories: frozenset[str]
) -> list[Item]:
    items: list[Item] = []
    for kind in kinds:
        model = KINDS[kind]
        qs = model._default_manager.filter(**filter_).order_by("-occurred_at", "-id")
        if kind == "event_registration":
            qs = qs.select_related("event")
        items.extend(_item(kind, obj, categories) for obj in qs[:limit])
    items.sort(key=lambda i: (i.occurred_at or _EPOCH, i.id), reverse=True)
    return items[:limit]


def _frame(timeline: Timeline, categories: frozenset[str]) -> None:
    all_cats = {kind_category(k) for k in KINDS}
    timeline.categories = sorted(all_cats & categories)
    timeline.hidden_categories = sorted(all_cats - categories)


def person_timeline(
    *,
    scope: Scope,
    actor: Actor,
    person_id: int,
    kind: str | None = None,
    limit: int = LIMIT,
) -> tuple[Person, Timeline]:
    person = person_get(scope=scope, person_id=person_id)
    categories = person_categories(scope, person)
    kinds = _visible_kinds(categories, kind)
    timeline = Timeline(items=_collect({"person_id": person.pk}, kinds, limit, categories))
    _frame(timeline, categories)
    shown = sorted({i.category for i in timeline.items})
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        person_id=person.pk,
        record=f"interactions.timeline:{person.pk}",
        categories=shown,
        purpose=purpose_for(scope, shown, person=person, capability=Cap.RECORD_INTERACTIONS),
        detail=scope.audit_detail(items=len(timeline.items)),
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
    """An organisation of the user's own group companies, with the rows of those companies
    only (never another company's dealings with the same organisation) whose categories the
    user's purposes cover."""
    org = organization_get(scope=scope, organization_id=organization_id)
    categories = scope.categories
    kinds = _visible_kinds(categories, kind)
    rows = {"organization_id": org.pk, "controller_id__in": scope.controller_ids}
    timeline = Timeline(items=_collect(rows, kinds, limit, categories))
    # Rows of persons under restriction are stored only; not shown in an organisation list.
    restricted = set(
        Person.objects.filter(
            pk__in={i.person_id for i in timeline.items if i.person_id},
            restricted_since__isnull=False,
        ).values_list("pk", flat=True)
    )
    timeline.items = [i for i in timeline.items if i.person_id not in restricted]
    _frame(timeline, categories)
    shown = sorted({i.category for i in timeline.items})
    person_ids = sorted({i.person_id for i in timeline.items if i.person_id})
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        person_ids=person_ids,
        record=f"interactions.organization_timeline:{org.pk}",
        categories=shown,
        purpose=purpose_for(scope, shown, capability=Cap.RECORD_INTERACTIONS),
        detail=scope.audit_detail(items=len(timeline.items)),
    )
    return org, timeline


def interaction_get(*, scope: Scope, kind: str, pk: int) -> models.Model:
    """One interaction the user may see; 404 otherwise: of a person the user may not see,
    of another group company, or of a category the user may not read of that person."""
    if kind not in KINDS:
        raise Http404
    model = KINDS[kind]
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if obj.person_id is not None:
        person = person_get(scope=scope, person_id=obj.person_id)
        if obj.controller_id != person.controller_id:
            raise Http404  # a row is its person's company's
        categories = person_categories(scope, person)
    elif obj.controller_id in scope.controller_ids:
        categories = scope.categories
    else:
        raise Http404
    if kind_category(kind) not in categories:
        raise Http404
    return obj


def interaction_file_get(*, scope: Scope, kind: str, pk: int) -> tuple[models.Model, str]:
    """An interaction with its file, and the file field's name; 404 unless the user may see
    the row and read the file field's category (the field map's)."""
    obj = interaction_get(scope=scope, kind=kind, pk=pk)
    model = KINDS[kind]
    names = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model._meta.label == "interactions.StoredFile"
    ]
    if not names or getattr(obj, names[0] + "_id") is None:
        raise Http404
    name = names[0]
    person = obj.person if obj.person_id is not None else None
    categories = person_categories(scope, person) if person is not None else scope.categories
    if category_of(model, name) not in categories:
        raise Http404
    return obj, name


def recordable_kinds(scope: Scope, person: Person) -> list[str]:
    """The kinds the user may record for this person: none for a person another company
    shares (read-only), else those whose category the user's purposes cover."""
    if not person_writable(scope, person):
        return []
    categories = person_categories(scope, person)
    return [k for k in KINDS if kind_category(k) in categories]


def personal_field_names(kind: str) -> list[str]:
    return [m.name for m in mapped_fields(KINDS[kind])]


@dataclass
class RecentItem:
    item: Item
    person_name: str


def _recent(
    *,
    scope: Scope,
    actor: Actor,
    kinds: list[str],
    filter_: dict[str, Any],
    limit: int,
    record: str,
) -> list[RecentItem]:
    items: list[Item] = []
    for kind in kinds:
        model = KINDS[kind]
        qs = persons_visible(
            model._default_manager.filter(
                controller_id__in=scope.controller_ids,
                person__restricted_since__isnull=True,
                **filter_,
            ),
            scope,
            "person",
            categories=[kind_category(kind)],
        ).order_by("-occurred_at", "-id")
        if kind == "event_registration":
            qs = qs.select_related("event")
        items.extend(_item(kind, obj, scope.categories) for obj in qs[:limit])
    items.sort(key=lambda i: (i.occurred_at or _EPOCH, i.id), reverse=True)
    items = items[:limit]
    names = {p.pk: str(p) for p in Person.objects.filter(pk__in={i.person_id for i in items})}
    shown = sorted({i.category for i in items})
    if items:
        audit_record(
            actor=actor,
            action=AuditAction.LIST,
            person_ids=sorted(names),
            record=record,
            categories=shown,
            purpose=purpose_for(scope, shown, capability=Cap.RECORD_INTERACTIONS),
            detail=scope.audit_detail(items=len(items)),
        )
    return [RecentItem(i, names.get(i.person_id or 0, "")) for i in items]


def recent_interactions(*, scope: Scope, actor: Actor, limit: int = 8) -> list[RecentItem]:
    """The latest interactions of the user's own group companies with persons the user may
    see, of the kinds the user's purposes cover (the dashboard's "recent" list; audited)."""
    return _recent(
        scope=scope,
        actor=actor,
        # web visits are traffic, not dealings with the person
        kinds=[k for k in _visible_kinds(scope.categories, None) if KINDS[k] is not WebVisit],
        filter_={},
        limit=limit,
        record="interactions.recent",
    )


def open_service_requests(*, scope: Scope, actor: Actor, limit: int = 8) -> list[RecentItem]:
    """Service requests still open or in progress: what needs following up (audited)."""
    kinds = [k for k in _visible_kinds(scope.categories, None) if KINDS[k] is ServiceRequest]
    return _recent(
        scope=scope,
        actor=actor,
        kinds=kinds,
        filter_={"status__in": [RequestStatus.OPEN, RequestStatus.IN_PROGRESS]},
        limit=limit,
        record="interactions.follow_ups",
    )
