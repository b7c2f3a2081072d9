"""Review of what may be outdated (seed 003: "we check regularly that nothing kept is
outdated or wrong, and correct or destroy it at once").

Two review rules:
- `contact-unconfirmed-2-years`: a contact detail not confirmed (ContactPoint.verified_at,
  else when it was recorded) for two years;
- `contact-of-ended-relationship`: a person still marked as an organisation's contact
  although every relationship of that organisation with us has ended.

Staff confirm (the detail is right: verified_at = now), correct (a new value), or delete
each; every decision is in the audit trail with the rule that raised it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
from rekisteri.access.selectors import Scope, category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.register.models import Affiliation, ContactKind, ContactPoint, record_key
from rekisteri.register.validators import InvalidValue, normalise_email, normalise_phone
from rekisteri.retention.engine import ended_organizations
from rekisteri.retention.models import ReviewDecision, ReviewMark
from rekisteri.retention.periods import Period, add_period, start_of_day, sub_period

UNCONFIRMED = "contact-unconfirmed-2-years"
ENDED_RELATIONSHIP = "contact-of-ended-relationship"
UNCONFIRMED_PERIOD = Period(years=2)
CONFIRMED_CONTACT_PERIOD = Period(years=1)
RULES = {
    UNCONFIRMED: "Contact details not confirmed for two years",
    ENDED_RELATIONSHIP: "Contact persons of organisations whose relationship has ended",
}
#: the data categories of the records under review, from the field map
CONTACT = category_of(ContactPoint, "value")
LINK = category_of(Affiliation, "is_contact_person")
#: record kind -> (model, its category)
KINDS: dict[str, tuple[type[Any], str]] = {
    "contact_point": (ContactPoint, CONTACT),
    "affiliation": (Affiliation, LINK),
}


@dataclass
class ReviewItem:
    rule: str
    record: str
    kind: str
    id: int
    person_id: int
    person_name: str
    detail: str
    since: date | datetime | None


def _visible(scope: Scope, qs: Any, path: str) -> Any:
    return qs.filter(**{f"{path}__controller_id__in": scope.controller_ids})


def review_list(*, scope: Scope, as_of: date | None = None, limit: int = 200) -> list[ReviewItem]:
    """Records due for review that the user may act on (their own group companies)."""
    as_of = as_of or timezone.localdate()
    items: list[ReviewItem] = []
    if CONTACT in scope.categories:
        cutoff = start_of_day(sub_period(as_of, UNCONFIRMED_PERIOD))
        stale = (
            ContactPoint.objects.filter(
                Q(verified_at__lt=cutoff) | Q(verified_at__isnull=True, created_at__lt=cutoff)
            )
            .filter(person__restricted_since__isnull=True)
            .select_related("person")
            .order_by("created_at", "id")
        )
        for cp in _visible(scope, stale, "person")[:limit]:
            items.append(
                ReviewItem(
                    rule=UNCONFIRMED,
                    record=record_key(cp),
                    kind="contact_point",
                    id=cp.pk,
                    person_id=cp.person_id,
                    person_name=str(cp.person),
                    detail=f"{cp.get_kind_display()}: {cp.value}",
                    since=cp.verified_at or cp.created_at,
                )
            )
    if LINK in scope.categories:
        links = (
            Affiliation.objects.filter(
                is_contact_person=True,
                end__isnull=True,
                organization__in=ended_organizations(as_of),
            )
            .filter(person__restricted_since__isnull=True)
            .exclude(
                pk__in=ReviewMark.objects.filter(
                    record_model="register.Affiliation",
                    rule=ENDED_RELATIONSHIP,
                    decided_at__gte=start_of_day(sub_period(as_of, CONFIRMED_CONTACT_PERIOD)),
                ).values("record_id")
            )
            .select_related("person", "organization")
            .order_by("id")
        )
        for a in _visible(scope, links, "person")[:limit]:
            items.append(
                ReviewItem(
                    rule=ENDED_RELATIONSHIP,
                    record=record_key(a),
                    kind="affiliation",
                    id=a.pk,
                    person_id=a.person_id,
                    person_name=str(a.person),
                    detail=a.organization.name,
                    since=None,
                )
            )
    return items


class ReviewError(ValueError):
    pass


def _get(scope: Scope, kind: str, pk: int) -> Any:
    if kind not in KINDS:
        raise ReviewError("unknown record kind")
    model = KINDS[kind][0]
    obj = (
        model.objects.filter(pk=pk, person__controller_id__in=scope.controller_ids)
        .select_related("person")
        .first()
    )
    if obj is None:
        raise ReviewError("no such record")
    return obj


@transaction.atomic
def review_decide(
    *,
    actor: Actor,
    scope: Scope,
    kind: str,
    pk: int,
    decision: str,
    rule: str,
    value: str = "",
    end: date | None = None,
) -> None:
    """Confirm, correct or delete one record under review; audited with the rule."""
    if decision not in ReviewDecision.values:
        raise ReviewError("unknown decision")
    if rule not in RULES:
        raise ReviewError("unknown review rule")
    obj = _get(scope, kind, pk)
    category = KINDS[kind][1]
    if category not in scope.categories:
        raise ProcessingRefused(
            f"Your role's purposes do not cover this data category: {category}", code="category"
        )
    operation = Operation.DELETE if decision == ReviewDecision.DELETED else Operation.EDIT
    check_processing(scope, obj.person, operation)
    record = record_key(obj)
    sealed: dict[str, Any] | None = None
    fields: list[str] = []
    now = timezone.now()
    if decision == ReviewDecision.DELETED:
        sealed = {"value": obj.value} if kind == "contact_point" else None
        obj.delete()
    elif kind == "contact_point":
        if decision == ReviewDecision.CORRECTED:
            try:
                new = (
                    normalise_email(value)
                    if obj.kind == ContactKind.EMAIL
                    else normalise_phone(value)
                    if obj.kind == ContactKind.PHONE
                    else value.strip()
                )
            except InvalidValue as exc:
                raise ReviewError(f"value: {exc}") from exc
            if not new:
                raise ReviewError("value: is required")
            sealed = {"before": obj.value, "after": new}
            obj.value = new
            fields = ["value", "verified_at"]
        else:
            fields = ["verified_at"]
        obj.verified_at = now
        obj.save(update_fields=[*fields, "updated_at"])
    else:
        # An affiliation: confirmed still a contact, or corrected by ending it.
        if decision == ReviewDecision.CORRECTED:
            obj.end = end or timezone.localdate()
            obj.save(update_fields=["end", "updated_at"])
            fields = ["end"]
        else:
            # Confirmed still the contact: off the list for a year.
            ReviewMark.objects.create(
                record_model="register.Affiliation",
                record_id=obj.pk,
                rule=rule,
                decision=decision,
                decided_by=actor.name,
            )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE if decision == ReviewDecision.DELETED else AuditAction.UPDATE,
        person_id=obj.person_id,
        record=record,
        categories=[category],
        fields=fields,
        purpose=work_purpose(scope, Cap.REVIEW_RETENTION, [category]),
        reason=f"review {rule}: {decision}",
        detail={"rule": rule, "decision": decision},
        sealed=sealed,
    )


def next_review(verified: datetime) -> date:
    return add_period(timezone.localtime(verified).date(), UNCONFIRMED_PERIOD)
