"""Reads of the breach register, and who a breach touches.

`breach_affected` finds the people from the breach's data categories and time window through
the field map (common.personal): every model with a field in one of those categories is
searched for rows created or changed in the window (or, by the breach's window rule, rows
that existed during it). A model without any timestamp is taken whole: when we cannot tell,
we count the person in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope
from rekisteri.breaches.models import Breach, ClockState, WindowRule
from rekisteri.common.personal import mapped_fields, personal_models

#: timestamp fields that say when a row was made or changed, in order of preference
CREATED = ("created_at", "collected_at", "at", "sent_at")
CHANGED = ("updated_at",)


@dataclass
class Affected:
    person_ids: set[int] = field(default_factory=set)
    records: int = 0
    by_model: dict[str, int] = field(default_factory=dict)


def breach_list(*, scope: Scope) -> QuerySet[Breach]:
    """Breaches of the user's group companies and group-wide ones (for the register's keeper)."""
    qs = Breach.objects.select_related("controller")
    if scope.can(Cap.KEEP_BREACH_REGISTER) and scope.controller_ids:
        return qs.filter(Q(controller__isnull=True) | Q(controller_id__in=scope.controller_ids))
    return qs.none()


def breach_get(*, scope: Scope, breach_id: int) -> Breach:
    return breach_list(scope=scope).get(pk=breach_id)


def breaches_open(*, scope: Scope, now: dt.datetime) -> list[Breach]:
    """Breaches whose clock still runs or has run out: the DPO's to-do list."""
    return [
        b
        for b in breach_list(scope=scope).filter(authority_notified_at__isnull=True)
        if b.clock(now) in (ClockState.DUE, ClockState.OVERDUE)
    ]


def _window_q(model: type, breach: Breach) -> Q | None:
    names = {f.name for f in model._meta.concrete_fields}
    start = breach.occurred_from
    end = breach.occurred_until or breach.discovered_at
    created = next((n for n in CREATED if n in names), None)
    if breach.window_rule == WindowRule.EXISTING:
        return Q(**{f"{created}__lte": end}) if created else None
    q = Q()
    for name in [created, *[n for n in CHANGED if n in names]]:
        if not name:
            continue
        cond = Q(**{f"{name}__lte": end})
        if start:
            cond &= Q(**{f"{name}__gte": start})
        q |= cond
    return q if q else None


def breach_affected(*, breach: Breach, controller_ids: Iterable[int] | None = None) -> Affected:
    """Who the breach touches: in its company (all companies for a group-wide one), and
    only in `controller_ids` when given (a user's list shows their companies' persons only)."""
    out = Affected()
    within = None if controller_ids is None else list(controller_ids)
    categories = set(breach.categories)
    if not categories:
        return out
    for model in personal_models():
        if not any(f.category in categories for f in mapped_fields(model)):
            continue
        path = model.subject_path  # type: ignore[attr-defined]
        person = path or "pk"
        controller = f"{path}__controller_id" if path else "controller_id"
        qs = model._default_manager.all()
        if path:
            qs = qs.filter(**{f"{path}__isnull": False})
        if breach.controller_id:
            qs = qs.filter(**{controller: breach.controller_id})
        if within is not None:
            qs = qs.filter(**{f"{controller}__in": within})
        q = _window_q(model, breach)
        if q is not None:
            qs = qs.filter(q)
        ids = set(qs.values_list(person, flat=True).distinct())
        count = qs.count()
        if count:
            out.by_model[model._meta.label] = count
            out.records += count
            out.person_ids |= ids
    return out
