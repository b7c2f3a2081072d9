"""Reads of retention: the plan (what is due now and next), the proof that nothing is kept
past its rule (verify), legal holds and the end of retention for a person's data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from rekisteri.access.selectors import Scope
from rekisteri.catalogue.models import RetentionAnchor
from rekisteri.retention import engine
from rekisteri.retention.models import HoldScope, LegalHold
from rekisteri.retention.periods import Period, add_period, latest_due_anchor

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


def _relationship_end(person_id: int) -> date | None:
    """The day the person's last link to an organisation ended; None while one is live.
    Without links: the latest of the day they were recorded, the relationship end the sweep
    recorded, and their last interaction (engine.ended_relationship_persons)."""
    from rekisteri.register.models import Affiliation, OrganizationRelationship

    affiliations = list(
        Affiliation.objects.filter(person_id=person_id).values_list("organization_id", "end")
    )
    if not affiliations:
        return _unlinked_relationship_end(person_id)
    ends = []
    for org_id, end in affiliations:
        rels = list(
            OrganizationRelationship.objects.filter(organization_id=org_id).values_list(
                "end", flat=True
            )
        )
        org_end = max(rels) if rels and all(rels) else None
        candidates = [d for d in (end, org_end) if d is not None]
        if not candidates:
            return None
        ends.append(min(candidates))
    return max(ends)


def _unlinked_relationship_end(person_id: int) -> date | None:
    from rekisteri.register.models import Person
    from rekisteri.retention.periods import local_date

    row = (
        Person.objects.filter(pk=person_id)
        .values_list("created_at", "relationship_ended_on")
        .first()
    )
    if row is None:
        return None
    days = [local_date(row[0])] + ([row[1]] if row[1] else [])
    for model in engine._activity_models():
        last = model._default_manager.filter(person_id=person_id).aggregate(m=Max("occurred_at"))[
            "m"
        ]
        if last is not None:
            days.append(local_date(last))
    return max(days)


def _contact_end(person_id: int) -> date | None:
    """The day the person's last affiliation ended (None while one is live); without
    affiliations, the day the sweep recorded when it deleted them."""
    from rekisteri.register.models import Affiliation, Person

    rows = list(Affiliation.objects.filter(person_id=person_id).values_list("end", flat=True))
    if not rows:
        return (
            Person.objects.filter(pk=person_id).values_list("contact_ended_on", flat=True).first()
        )
    if not all(rows):
        return None
    return max(rows)  # type: ignore[type-var]


def retention_end(*, category: str, person_id: int, record: Any = None) -> date | None:
    """The day the person's data of `category` (or one `record`) falls due under its rule;
    None when there is no fixed end yet (the relationship is still running, say)."""
    return _retention_end(category, person_id, record, {})


def retention_ends(*, categories: Iterable[str], person_id: int) -> dict[str, date | None]:
    """retention_end of several categories of one person (an access package's), reading
    the person's relationship end, contact end and latest anchors once for all of them."""
    memo: dict[Any, Any] = {}
    return {c: _retention_end(c, person_id, None, memo) for c in categories}


def _memo(memo: dict[Any, Any], key: Any, compute: Any) -> Any:
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _retention_end(category: str, person_id: int, record: Any, memo: dict[Any, Any]) -> date | None:
    targets = _memo(memo, "targets", lambda: engine.targets()[0])
    ends: list[date] = []
    for t in targets:
        if t.category != category:
            continue
        if record is not None and not isinstance(record, t.model):
            continue
        if t.anchor == RetentionAnchor.RELATIONSHIP_ENDED:
            base = _memo(memo, "relationship_end", lambda: _relationship_end(person_id))
        elif t.anchor == RetentionAnchor.CONTACT_ENDED:
            base = _memo(memo, "contact_end", lambda: _contact_end(person_id))
        elif record is not None:
            base = engine.anchor_date(t, record)
        else:
            present, base = _memo(
                memo, ("latest", t.model, t.anchor), lambda t=t: _latest_anchor(t, person_id)
            )
            if not present:
                continue
        if base is None:
            return None
        ends.append(add_period(base, t.period))
    if not ends:
        # Categories held by other apps: answer from the rule alone where it can be.
        return _rule_only_end(category, person_id, memo)
    return max(ends)


def _latest_anchor(target: engine.Target, person_id: int) -> tuple[bool, date | None]:
    """Whether the person has rows of the target's model, and their latest anchor date."""
    from rekisteri.retention.periods import local_date

    name = target.model.retention_dates.get(target.anchor)  # type: ignore[attr-defined]
    path = getattr(target.model, "subject_path", "person")
    qs = target.model._default_manager.filter(**{path: person_id})
    row = qs.aggregate(m=Max(name), n=Count("pk"))
    value = row["m"]
    if not row["n"]:
        return False, None
    if value is None:
        return True, None
    if target.anchor == RetentionAnchor.BILLING_YEAR_END:
        return True, date(value + 1, 1, 1)
    return True, (local_date(value) if hasattr(value, "tzinfo") else value)


def _rule_only_end(category: str, person_id: int, memo: dict[Any, Any]) -> date | None:
    from rekisteri.catalogue.selectors import catalogue_snapshot

    rules = _memo(memo, "snapshot", catalogue_snapshot).retention.get(category, [])
    ends = []
    for rule in rules:
        period = Period.of(rule)
        if rule.anchor == RetentionAnchor.RELATIONSHIP_ENDED:
            base = _memo(memo, "relationship_end", lambda: _relationship_end(person_id))
        elif rule.anchor == RetentionAnchor.CONTACT_ENDED:
            base = _memo(memo, "contact_end", lambda: _contact_end(person_id))
        else:
            return None
        if base is None:
            return None
        ends.append(add_period(base, period))
    return max(ends) if ends else None


def due_anchor(as_of: date, period: Period) -> date:
    return latest_due_anchor(as_of, period)
