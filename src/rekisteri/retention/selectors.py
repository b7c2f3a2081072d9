"""Reads of retention: the plan (what is due now and next), the proof that nothing is kept
past its rule (verify), legal holds and the end of retention for a person's data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from rekisteri.access.selectors import Scope
from rekisteri.retention import engine, evaluation
from rekisteri.retention.models import HoldScope, LegalHold
from rekisteri.retention.periods import Period, latest_due_anchor

LISTED = 20


@dataclass
class PlanLine:
    rule_code: str
    category: str
    model: str
    anchor: str
    period: str
    action: str
    due_now: int
    due_next: int


@dataclass
class Plan:
    as_of: date
    horizon: date
    lines: list[PlanLine] = field(default_factory=list)
    unapplied: list[engine.Unapplied] = field(default_factory=list)
    held: int = 0

    def by_rule(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for line in self.lines:
            r = out.setdefault(line.rule_code, {"due_now": 0, "due_next": 0})
            r["due_now"] += line.due_now
            r["due_next"] += line.due_next
        return out


@engine.with_anti_join_memory
def retention_plan(*, as_of: date | None = None, horizon_days: int = 30) -> Plan:
    """Counts per rule and model: due on `as_of`, and falling due in the following days."""
    as_of = as_of or timezone.localdate()
    horizon = as_of + timedelta(days=horizon_days)
    targets, unapplied = engine.targets()
    plan = Plan(as_of=as_of, horizon=horizon, unapplied=unapplied)
    for t in targets:
        now = engine.due_rows(t, as_of).count()
        later = engine.due_rows(t, horizon).count() - now if horizon_days else 0
        plan.lines.append(
            PlanLine(
                rule_code=t.rule_code,
                category=t.category,
                model=t.label,
                anchor=t.anchor,
                period=str(t.period),
                action=t.action,
                due_now=now,
                due_next=max(later, 0),
            )
        )
    plan.held = engine.active_holds(as_of).count()
    return plan


@dataclass
class Overdue:
    rule_code: str
    model: str
    count: int
    records: list[str]


@engine.with_anti_join_memory
def retention_verify(*, as_of: date | None = None, limit: int = LISTED) -> list[Overdue]:
    """Every rule under which some record is kept past its end on `as_of` (empty: proven)."""
    as_of = as_of or timezone.localdate()
    targets, _ = engine.targets()
    out = []
    for t in targets:
        qs = engine.due_rows(t, as_of)
        count = qs.count()
        if count:
            ids = qs.order_by("pk").values_list("pk", flat=True)[:limit]
            out.append(
                Overdue(
                    rule_code=t.rule_code,
                    model=t.label,
                    count=count,
                    records=[engine.record_label(t.model, pk) for pk in ids],
                )
            )
    return out


# --- holds -------------------------------------------------------------------------------


def legal_holds_for(*, person_id: int, as_of: date | None = None) -> list[dict[str, Any]]:
    """Active holds that keep a person's data: on the person, on an organisation they are
    linked to, or on one of their records."""
    from rekisteri.register.models import Affiliation

    as_of = as_of or timezone.localdate()
    orgs = Affiliation.objects.filter(person_id=person_id).values("organization_id")
    # One query for the three kinds; the record holds are matched to the person below.
    holds = list(
        engine.active_holds(as_of).filter(
            Q(scope=HoldScope.PERSON, person_id=person_id)
            | Q(scope=HoldScope.ORGANIZATION, organization_id__in=orgs)
            | Q(scope=HoldScope.RECORD)
        )
    )
    direct = sorted(
        (h for h in holds if h.scope != HoldScope.RECORD), key=lambda h: (h.created_at, h.pk)
    )
    records = sorted(
        (h for h in holds if h.scope == HoldScope.RECORD), key=lambda h: (h.created_at, h.pk)
    )
    records.reverse()  # the model's order: newest first
    out = [_hold_row(h) for h in direct]
    out += [_hold_row(h) for h in records if _record_person(h.record) == person_id]
    return out


def _hold_row(h: LegalHold) -> dict[str, Any]:
    """What an erasure plan needs of a hold; a record hold names its record ("app.Model:pk")."""
    return {"reason": h.reason, "until": h.until, "scope": h.scope, "id": h.pk, "record": h.record}


def _record_person(record: str) -> int | None:
    from django.apps import apps

    label, _, pk = record.partition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    path = getattr(model, "subject_path", None)
    if not path or not pk.isdigit():
        return None
    return model._default_manager.filter(pk=int(pk)).values_list(path, flat=True).first()


def legal_hold_list(*, scope: Scope, include_released: bool = False) -> list[LegalHold]:
    """The holds of the user's own group companies."""
    qs = LegalHold.objects.filter(controller_id__in=scope.controller_ids).select_related(
        "person", "organization", "controller"
    )
    if not include_released:
        qs = qs.filter(released_at__isnull=True)
    return list(qs.order_by("-created_at")[:500])


# --- when a person's data goes -----------------------------------------------------------


def retention_end(
    *, category: str, person_id: int, record: Any = None, as_of: date | None = None
) -> date | None:
    """The day the person's data of `category` (or one `record`) falls due under its rules;
    None when there is no fixed end yet (the relationship is still running, or a rule's
    while-condition holds). retention/evaluation.py: the same evaluation the sweep makes."""
    as_of = as_of or timezone.localdate()
    return evaluation.category_end(category, person_id=person_id, as_of=as_of, record=record)


def retention_ends(
    *, categories: Iterable[str], person_id: int, as_of: date | None = None
) -> dict[str, date | None]:
    """retention_end of several categories of one person (an access package's), reading
    the person's relationship end, contact end and conditions once for all of them."""
    as_of = as_of or timezone.localdate()
    memo = evaluation.Memo(person_id, as_of)
    return {
        c: evaluation.category_end(c, person_id=person_id, as_of=as_of, memo=memo)
        for c in categories
    }


def due_anchor(as_of: date, period: Period) -> date:
    return latest_due_anchor(as_of, period)
