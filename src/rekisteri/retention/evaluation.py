"""One evaluation of a retention rule for one person (and, optionally, one of their rows).

`evaluate(rule, person_id=…, as_of=…, model=…, record=…)` answers what the sweep decides
for the same rows in SQL (engine.due_rows):

- the start day: the day of the rule's one anchor, or the later (`later_of`) / earlier
  (`earlier_of`) of its anchors' days. An anchor that has not happened (a relationship still
  running) has no day: `later_of` then has none, `earlier_of` takes the others';
- the due day: start + the rule's period (periods.add_period, as the sweep's cutoff);
- the while-conditions that still hold (conditions.holding: the same EXISTS conditions the
  sweep excludes with): while one holds, the data has no fixed end and is not due.

The erasure plan (what is kept, until when, under which law), the access package (the end
per category: `category_end`) and retention_end read it; the sweep, the plan and verify use
the same anchors, combination and conditions as set-based queries. The tests check that the
two answers agree on the same rows.

Anchor days per person, as the sweep's conditions define them:
- relationship_ended: the latest, over the person's links, of the earlier of the link's end
  and its organisation's last relationship end (None while one is live); without links, the
  latest of the day they were recorded, the end the sweep recorded, and their last
  interaction (engine.ended_relationship_persons). For a row that names an organisation,
  that organisation's relationship end (engine: `organization__in=ended_organizations`).
- contact_ended: the end of the person's last link (None while one is live); without links,
  the day the sweep recorded when it deleted them.
- created / request_closed / billing_year_end: the row's own day; for a person without a
  given row, the latest of their rows' days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Count, Max

from rekisteri.catalogue.models import RetentionAnchor
from rekisteri.retention import engine
from rekisteri.retention.conditions import holding
from rekisteri.retention.periods import Period, add_period, local_date


@dataclass(frozen=True)
class Evaluation:
    """A rule evaluated for one person (or one row) on a day."""

    rule_code: str
    category: str
    action: str
    #: the law that keeps the data, {fi, sv, en} ({} if none)
    legal_reference: dict[str, str]
    #: whether the person has data this rule dates (False: the rule says nothing here)
    present: bool
    #: the day the period starts from; None: not yet (an anchor has not happened)
    start: date | None
    #: start + period; None: no fixed day yet
    due: date | None
    #: the while-conditions holding on the day (each keeps the data, whatever `due` says)
    kept_while: tuple[str, ...] = ()

    @property
    def end(self) -> date | None:
        """The end of retention: None while a condition holds or the start is not known."""
        return None if self.kept_while else self.due

    def is_due(self, as_of: date) -> bool:
        return self.present and self.end is not None and self.end <= as_of


def combine_days(combine: str, days: list[date | None]) -> date | None:
    """The start day of combined anchors: later_of needs every day, earlier_of any."""
    if not combine:
        return days[0] if days else None
    if combine == "later_of":
        return None if any(d is None for d in days) else max(days)  # type: ignore[type-var]
    known = [d for d in days if d is not None]
    return min(known) if known else None


class Memo:
    """What one person's evaluations share (relationship and contact end, conditions), so
    an access package asking every category reads each once."""

    def __init__(self, person_id: int, as_of: date) -> None:
        self.person_id = person_id
        self.as_of = as_of
        self._values: dict[Any, Any] = {}

    def get(self, key: Any, compute: Any) -> Any:
        if key not in self._values:
            self._values[key] = compute()
        return self._values[key]

    def relationship_end(self) -> date | None:
        return self.get("relationship_end", lambda: relationship_end(self.person_id))

    def contact_end(self) -> date | None:
        return self.get("contact_end", lambda: contact_end(self.person_id))

    def holding(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        if not codes:
            return ()
        found = self.get(("conditions", codes), lambda: holding(self.person_id, codes, self.as_of))
        return tuple(found)


def evaluate(
    rule: Any,
    *,
    person_id: int,
    as_of: date,
    model: type[models.Model] | None = None,
    record: Any = None,
    memo: Memo | None = None,
) -> Evaluation:
    """Rule `rule` (catalogue RuleInfo or engine.Target) for a person's rows of `model`
    (all of them, or the one `record`); without a model, from the person's anchors alone."""
    memo = memo or Memo(person_id, as_of)
    anchors = tuple(getattr(rule, "anchors", ()) or (rule.anchor,))
    combine = getattr(rule, "combine", "")
    present = True
    days: list[date | None] = []
    for anchor in anchors:
        has, day = _anchor_day(anchor, model, record, memo)
        present = present and has
        days.append(day)
    start = combine_days(combine, days)
    period = rule.period if isinstance(rule.period, Period) else Period.of(rule)
    due = add_period(start, period) if start is not None else None
    return Evaluation(
        rule_code=getattr(rule, "code", "") or getattr(rule, "rule_code", ""),
        category=rule.category if isinstance(rule.category, str) else rule.category.code,
        action=rule.action,
        legal_reference=rule.legal_reference,
        present=present,
        start=start,
        due=due,
        kept_while=memo.holding(tuple(rule.while_any)) if present else (),
    )


def category_evaluations(
    category: str, *, person_id: int, as_of: date, record: Any = None, memo: Memo | None = None
) -> list[Evaluation]:
    """Every rule of `category` evaluated for the person (or one record): per model the rule
    applies to (engine.targets), or from the person's anchors where it applies to none."""
    from rekisteri.catalogue.selectors import catalogue_snapshot

    memo = memo or Memo(person_id, as_of)
    snap = memo.get("snapshot", catalogue_snapshot)
    targets = memo.get("targets", lambda: engine.targets(snap)[0])
    out: list[Evaluation] = []
    for rule in snap.retention.get(category, ()):
        if tuple(rule.anchors) == (RetentionAnchor.NEEDED,):
            continue
        mine = [
            t
            for t in targets
            if t.rule_code == rule.code and (record is None or isinstance(record, t.model))
        ]
        found = [
            e
            for e in (
                evaluate(
                    t, person_id=person_id, as_of=as_of, model=t.model, record=record, memo=memo
                )
                for t in mine
            )
            if e.present
        ]
        out += found or [evaluate(rule, person_id=person_id, as_of=as_of, memo=memo)]
    return out


def category_end(
    category: str, *, person_id: int, as_of: date, record: Any = None, memo: Memo | None = None
) -> date | None:
    """The day all of the person's data of `category` (or one record) is due; None when
    there is no fixed day (a condition holds, an anchor has not happened, no rule dates it)."""
    found = [
        e
        for e in category_evaluations(
            category, person_id=person_id, as_of=as_of, record=record, memo=memo
        )
        if e.present
    ]
    if not found or any(e.end is None for e in found):
        return None
    return max(e.end for e in found)  # type: ignore[type-var]


# --- anchor days --------------------------------------------------------------------------


def _anchor_day(
    anchor: str, model: type[models.Model] | None, record: Any, memo: Memo
) -> tuple[bool, date | None]:
    """(whether the person has data this anchor dates, its day or None)."""
    if anchor == RetentionAnchor.RELATIONSHIP_ENDED:
        if model is not None and engine._has_field(model, "organization"):
            return True, _row_relationship_end(model, record, memo)
        return True, memo.relationship_end()
    if anchor == RetentionAnchor.CONTACT_ENDED:
        return True, memo.contact_end()
    if model is None:
        return False, None  # a row's own day, and no row of a model it dates
    if record is not None:
        return True, engine.anchor_date(model, anchor, record)
    return memo.get(("latest", model, anchor), lambda: _latest_anchor(model, anchor, memo))


def _org_end(organization_id: int) -> date | None:
    """The organisation's relationship end: its last relationship's end once all ended."""
    from rekisteri.register.models import OrganizationRelationship

    ends = list(
        OrganizationRelationship.objects.filter(organization_id=organization_id).values_list(
            "end", flat=True
        )
    )
    if not ends or not all(ends):
        return None
    return max(ends)  # type: ignore[type-var]


def _row_relationship_end(model: type[models.Model], record: Any, memo: Memo) -> date | None:
    """relationship_ended of rows that may name an organisation: that organisation's end;
    a row without one, the person's. Without a record: the latest over their rows."""
    if record is not None:
        org_id = getattr(record, "organization_id", None)
        return _org_end(org_id) if org_id else memo.relationship_end()

    def latest() -> date | None:
        path = getattr(model, "subject_path", "person")
        orgs = set(
            model._default_manager.filter(**{path: memo.person_id}).values_list(
                "organization_id", flat=True
            )
        )
        if not orgs:
            return memo.relationship_end()
        days = [_org_end(o) if o else memo.relationship_end() for o in orgs]
        return None if any(d is None for d in days) else max(days)  # type: ignore[type-var]

    return memo.get(("org_relationship_end", model), latest)


def _latest_anchor(model: type[models.Model], anchor: str, memo: Memo) -> tuple[bool, date | None]:
    """Whether the person has rows of `model`, and their latest `anchor` day."""
    name = model.retention_dates.get(anchor)  # type: ignore[attr-defined]
    path = getattr(model, "subject_path", "person")
    row = model._default_manager.filter(**{path: memo.person_id}).aggregate(
        m=Max(name), n=Count("pk")
    )
    value = row["m"]
    if not row["n"]:
        return False, None
    if value is None:
        return True, None
    if anchor == RetentionAnchor.BILLING_YEAR_END:
        return True, date(value + 1, 1, 1)
    return True, (local_date(value) if hasattr(value, "tzinfo") else value)


def relationship_end(person_id: int) -> date | None:
    """The day the person's relationship ended; None while it runs (see the module doc)."""
    from rekisteri.register.models import Affiliation

    affiliations = list(
        Affiliation.objects.filter(person_id=person_id).values_list("organization_id", "end")
    )
    if not affiliations:
        return _unlinked_relationship_end(person_id)
    ends = []
    for org_id, end in affiliations:
        candidates = [d for d in (end, _org_end(org_id)) if d is not None]
        if not candidates:
            return None
        ends.append(min(candidates))
    return max(ends)


def _unlinked_relationship_end(person_id: int) -> date | None:
    from rekisteri.register.models import Person

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


def contact_end(person_id: int) -> date | None:
    """The end of the person's last link (None while one is live); without links, the day
    the sweep recorded when it deleted them."""
    from rekisteri.register.models import Affiliation, Person

    rows = list(Affiliation.objects.filter(person_id=person_id).values_list("end", flat=True))
    if not rows:
        return (
            Person.objects.filter(pk=person_id).values_list("contact_ended_on", flat=True).first()
        )
    if not all(rows):
        return None
    return max(rows)  # type: ignore[type-var]
