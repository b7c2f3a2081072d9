"""Rule-based segments, computed in SQL, each member explainable.

A rule is a small plug-in: a code, a human-readable description, the data categories it
reads, and a function that turns its parameters into a filter on persons. A segment is a
list of rules that must all hold. Computing a segment is one INSERT … SELECT; every member
row keeps the rules (as sentences) and the categories that put the person there, because
the person may always ask how their profile was made (GDPR Art. 15(1)(h), 21(2)).

Persons who objected to profiling or direct marketing, and restricted persons, are never
put into a segment. Rules over purchases read rekisteri.interactions (orders) when it is
installed; the set is open: add a `SegmentRule` to RULES.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from rekisteri.consent.models import Channel, Consent, ConsentPurpose, ConsentState
from rekisteri.marketing.models import Interest, Segment, SegmentMember
from rekisteri.marketing.processing import categories_of
from rekisteri.register.models import Affiliation, Person


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class SegmentRule:
    code: str
    label: str
    #: the fields (or rows, "app.Model") the rule reads; their categories come from the
    #: field map, so what a member is told was used is what the rule really read
    reads: tuple[str, ...]
    build: Callable[[dict[str, Any]], Q]
    describe: Callable[[dict[str, Any]], str]

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(categories_of(*self.reads))


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError as exc:
        raise RuleError(f"this rule needs {label}, which is not installed") from exc


def _days(params: dict[str, Any], default: int = 365) -> int:
    try:
        days = int(params.get("days", default))
    except (TypeError, ValueError) as exc:
        raise RuleError("days: must be a whole number") from exc
    if days <= 0:
        raise RuleError("days: must be positive")
    return days


def _amount(params: dict[str, Any]) -> Decimal:
    try:
        return Decimal(str(params.get("value")))
    except (InvalidOperation, TypeError) as exc:
        raise RuleError("value: must be an amount such as 1000 or 1000.50") from exc


def _orders(days: int) -> Any:
    agreement = _model("interactions.Agreement")
    since = timezone.now() - timedelta(days=days)
    return agreement.objects.filter(
        person=OuterRef("pk"), kind="order", occurred_at__gte=since, anonymised_at__isnull=True
    )


def _purchase_total(p: dict[str, Any]) -> Q:
    total = Subquery(
        _orders(_days(p)).values("person").annotate(t=Sum("amount")).values("t")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    return Q(GreaterThanOrEqual(total, Value(_amount(p))))


def _purchased(p: dict[str, Any]) -> Q:
    return Q(Exists(_orders(_days(p))))


def _lapsed(p: dict[str, Any]) -> Q:
    agreement = _model("interactions.Agreement")
    ever = agreement.objects.filter(person=OuterRef("pk"), kind="order")
    return Q(Exists(ever)) & ~Q(Exists(_orders(_days(p))))


def _industry(p: dict[str, Any]) -> Q:
    value = str(p.get("value") or "").strip()
    if not value:
        raise RuleError("value: name an industry")
    return Q(
        Exists(
            Affiliation.objects.filter(
                person=OuterRef("pk"), end__isnull=True, organization__industry__iexact=value
            )
        )
    )


def _attended(p: dict[str, Any]) -> Q:
    registration = _model("interactions.EventRegistration")
    since = timezone.now() - timedelta(days=_days(p, 730))
    qs = registration.objects.filter(
        person=OuterRef("pk"), attended=True, event__starts_at__gte=since
    )
    if p.get("value"):
        qs = qs.filter(event__name__icontains=str(p["value"]))
    return Q(Exists(qs))


def _interest(p: dict[str, Any]) -> Q:
    value = str(p.get("value") or "").strip()
    if not value:
        raise RuleError("value: name a product or topic")
    return Q(Exists(Interest.objects.filter(person=OuterRef("pk"), topic__iexact=value)))


def _kind(p: dict[str, Any]) -> Q:
    value = p.get("value")
    if value not in ("consumer", "business"):
        raise RuleError("value: consumer or business")
    return Q(is_consumer=(value == "consumer"))


def _language(p: dict[str, Any]) -> Q:
    if p.get("value") not in ("fi", "sv", "en"):
        raise RuleError("value: fi, sv or en")
    return Q(language=p["value"])


RULES: dict[str, SegmentRule] = {
    r.code: r
    for r in (
        SegmentRule(
            "purchase_total",
            "Orders worth at least an amount within a period",
            ("interactions.Agreement",),
            _purchase_total,
            lambda p: f"ordered at least {p.get('value')} EUR in the last {_days(p)} days",
        ),
        SegmentRule(
            "purchased_within",
            "Ordered within a period (recency)",
            ("interactions.Agreement",),
            _purchased,
            lambda p: f"ordered something in the last {_days(p)} days",
        ),
        SegmentRule(
            "lapsed",
            "Ordered before, but not within a period",
            ("interactions.Agreement",),
            _lapsed,
            lambda p: f"has ordered before, but not in the last {_days(p)} days",
        ),
        SegmentRule(
            "industry",
            "Works for an organisation in an industry",
            ("register.Affiliation.end",),
            _industry,
            lambda p: f"works for an organisation in the industry '{p.get('value')}'",
        ),
        SegmentRule(
            "attended_event",
            "Attended an event",
            ("interactions.EventRegistration.attended",),
            _attended,
            lambda p: (
                "attended an event"
                + (f" named like '{p['value']}'" if p.get("value") else "")
                + f" in the last {_days(p, 730)} days"
            ),
        ),
        SegmentRule(
            "interest",
            "Told us of an interest in a product or topic",
            ("marketing.Interest.topic",),
            _interest,
            lambda p: f"told us of an interest in '{p.get('value')}'",
        ),
        SegmentRule(
            "customer_kind",
            "Consumer or business contact",
            ("register.Person.is_consumer",),
            _kind,
            lambda p: f"is a {p.get('value')} contact",
        ),
        SegmentRule(
            "language",
            "Preferred language",
            ("register.Person.language",),
            _language,
            lambda p: f"prefers the language '{p.get('value')}'",
        ),
    )
}


def validate_rules(rules: Any) -> list[dict[str, Any]]:
    if not isinstance(rules, list) or not rules:
        raise RuleError("rules: give at least one rule")
    out = []
    for i, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or rule.get("rule") not in RULES:
            raise RuleError(f"rules[{i}]: unknown rule; known: {', '.join(sorted(RULES))}")
        try:
            RULES[rule["rule"]].build(rule)
            RULES[rule["rule"]].describe(rule)
        except RuleError as exc:
            raise RuleError(f"rules[{i}] ({rule['rule']}): {exc}") from exc
        out.append(dict(rule))
    return out


def explain(rules: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    sentences = [RULES[r["rule"]].describe(r) for r in rules]
    categories = sorted({c for r in rules for c in RULES[r["rule"]].categories})
    return sentences, categories


def members_queryset(segment: Segment) -> Any:
    q = Q()
    for rule in segment.rules:
        q &= RULES[rule["rule"]].build(rule)
    opted_out = Consent.objects.filter(
        person=OuterRef("pk"),
        purpose__in=(ConsentPurpose.PROFILING, ConsentPurpose.DIRECT_MARKETING),
        channel=Channel.ALL,
        mailing_list__isnull=True,
        superseded_at__isnull=True,
        state__in=(ConsentState.OBJECTED, ConsentState.WITHDRAWN),
    )
    return Person.objects.filter(
        q, controller_id=segment.controller_id, restricted_since__isnull=True
    ).exclude(Exists(opted_out))


def segment_compute(segment: Segment) -> int:
    """Recompute the members in one transaction: DELETE, then INSERT … SELECT."""
    sentences, categories = explain(segment.rules)
    now = timezone.now()
    ids_sql, ids_params = (
        members_queryset(segment).order_by().values(pid=F("pk")).query.sql_with_params()
    )
    table = SegmentMember._meta.db_table
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    sql = (
        f"INSERT INTO {table} (segment_id, person_id, rules, categories, computed_at) "  # noqa: S608
        f"SELECT %s, m.pid, %s{json_cast}, %s{json_cast}, %s FROM ({ids_sql}) m"
    )
    with transaction.atomic():
        SegmentMember.objects.filter(segment=segment)._raw_delete(connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    segment.pk,
                    json.dumps(sentences),
                    json.dumps(categories),
                    connection.ops.adapt_datetimefield_value(now),
                    *ids_params,
                ],
            )
        count = SegmentMember.objects.filter(segment=segment).count()
        segment.computed_at, segment.member_count = now, count
        segment.save(update_fields=["computed_at", "member_count", "updated_at"])
    return count
