"""Writes of consents, prohibitions and the suppression list, each audited in its transaction.

Withdrawing is as easy as giving: both are one call of `consent_record` (and one button in
the staff UI and the preference centre). Nothing is overwritten; a new statement supersedes
the previous one for the same person, purpose, channel and list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rekisteri.access.policy import Operation, check_processing
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.consent.models import (
    Channel,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentState,
)
from rekisteri.consent.suppression import (
    add_entries,
    remove_entries,
    suppression_match,
    suppression_refresh,
)
from rekisteri.register.models import ContactPoint, Person, record_key

__all__ = [
    "consent_record",
    "marketing_objection_record",
    "suppression_add",
    "suppression_match",
    "suppression_refresh",
    "suppression_remove",
    "tracking_objection_record",
]


class ConsentInputError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def consent_record(
    *,
    actor: Actor,
    person: Person,
    purpose: str,
    channel: str,
    state: str,
    method: str,
    text: str = "",
    text_version: str = "",
    ip: str | None = None,
    user_agent: str = "",
    mailing_list: Any = None,
    at: datetime | None = None,
    scope: Scope | None = None,
) -> Consent:
    """Record one statement of the person with its proof; supersede the previous one."""
    errors = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = "is not a marketing purpose"
    if channel not in Channel.values:
        errors["channel"] = "is not a channel"
    if state not in ConsentState.values:
        errors["state"] = "must be granted, withdrawn or objected"
    if method not in ConsentMethod.values:
        errors["method"] = "is not a known way of recording"
    if method == ConsentMethod.WEB_FORM and state == ConsentState.GRANTED and not ip:
        errors["ip"] = "a consent from a web form needs the IP address as proof"
    if errors:
        raise ConsentInputError(errors)
    if scope is not None and state == ConsentState.GRANTED:
        # Stopping marketing is always possible; starting it is processing.
        check_processing(scope, person, Operation.MARKETING)
    now = timezone.now()
    with transaction.atomic():
        Consent.objects.filter(
            person=person,
            purpose=purpose,
            channel=channel,
            mailing_list=mailing_list,
            superseded_at__isnull=True,
        ).update(superseded_at=now)
        consent = Consent.objects.create(
            person=person,
            purpose=purpose,
            channel=channel,
            mailing_list=mailing_list,
            state=state,
            method=method,
            at=at or now,
            text=text,
            text_version=text_version[:40],
            ip=ip or None,
            user_agent=(user_agent or "")[:400],
            recorded_by=actor.name[:150],
        )
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            person_id=person.pk,
            record=record_key(consent),
            categories=["marketing_preferences"],
            fields=["purpose", "channel", "state", "method"],
            purpose="direct_marketing" if state == ConsentState.GRANTED else "rights_handling",
            reason=f"consent {state} ({purpose}/{channel}) by {method}",
        )
    return consent


def suppression_add(
    *, actor: Actor, email: str | None = None, phone: str | None = None, reason: str
) -> None:
    """Keep a keyed hash of the address so that it never gets marketing again. Idempotent."""
    with transaction.atomic():
        added = add_entries(email=email, phone=phone, reason=reason)
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            categories=["suppression"],
            purpose="rights_handling",
            reason="suppression list entry added",
            detail={"added": added, "reason": reason[:40]},
        )


def suppression_remove(
    *, actor: Actor, email: str | None = None, phone: str | None = None, reason: str
) -> int:
    """Only when the person themselves asks for marketing again (a new, proven consent)."""
    with transaction.atomic():
        removed = remove_entries(email=email, phone=phone)
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            categories=["suppression"],
            purpose="rights_handling",
            reason="suppression list entry removed",
            detail={"removed": removed, "reason": reason[:40]},
        )
    return removed


def _same_person_elsewhere(person: Person) -> list[Person]:
    """The person's records in every group company, matched by email or phone."""
    values = list(
        ContactPoint.objects.filter(person=person, kind__in=("email", "phone")).values_list(
            "kind", "value"
        )
    )
    if not values:
        return [person]
    q = Q()
    for kind, value in values:
        q |= Q(kind=kind, value=value)
    ids = set(ContactPoint.objects.filter(q).values_list("person_id", flat=True)) | {person.pk}
    return list(Person.objects.filter(pk__in=ids))


def marketing_objection_record(
    *,
    actor: Actor,
    person: Person,
    source: str,
    channel: str | None = None,
    ip: str | None = None,
    user_agent: str = "",
    text: str = "",
) -> None:
    """Art. 21(3): an objection to direct marketing takes effect at once, always.

    It applies to every group company's record of the same person (same email or phone),
    ends their list subscriptions, and adds the addresses to the suppression list so that the
    objection outlives erasure. `source` is how it came in (a ConsentMethod value, or any
    other word, recorded as a data subject request).
    """
    from rekisteri.marketing.models import Subscription, SubscriptionStatus

    method = source if source in ConsentMethod.values else ConsentMethod.RIGHTS_REQUEST
    channel = channel or Channel.ALL
    now = timezone.now()
    with transaction.atomic():
        persons = _same_person_elsewhere(person)
        for p in persons:
            consent_record(
                actor=actor,
                person=p,
                purpose=ConsentPurpose.DIRECT_MARKETING,
                channel=channel,
                state=ConsentState.OBJECTED,
                method=method,
                ip=ip,
                user_agent=user_agent,
                text=text,
                at=now,
            )
            if channel in (Channel.ALL, Channel.EMAIL):
                Subscription.objects.filter(
                    person=p, status__in=(SubscriptionStatus.SUBSCRIBED, SubscriptionStatus.PENDING)
                ).update(
                    status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now
                )
        kinds = {
            Channel.ALL: ("email", "phone"),
            Channel.EMAIL: ("email",),
            Channel.PHONE: ("phone",),
            Channel.SMS: ("phone",),
        }.get(channel, ())
        for kind, value in ContactPoint.objects.filter(
            person__in=persons, kind__in=kinds
        ).values_list("kind", "value"):
            add_entries(
                email=value if kind == "email" else None,
                phone=value if kind == "phone" else None,
                reason="objection",
            )
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            person_id=person.pk,
            person_ids=[p.pk for p in persons],
            categories=["marketing_preferences", "suppression"],
            purpose="rights_handling",
            reason=f"objection to direct marketing ({channel}) applied to all group companies",
            detail={"records": len(persons)},
        )


def tracking_objection_record(
    *, actor: Actor, person: Person, method: str, ip: str | None = None, user_agent: str = ""
) -> Consent:
    """ "Do not track": opens and clicks are no longer recorded. Separate from marketing."""
    return consent_record(
        actor=actor,
        person=person,
        purpose=ConsentPurpose.TRACKING,
        channel=Channel.EMAIL,
        state=ConsentState.OBJECTED,
        method=method,
        ip=ip,
        user_agent=user_agent,
    )


def marketing_settings_save(*, actor: Actor, settings_row: Any, fields: list[str]) -> None:
    """Save a group company's marketing rules and tracking switches (audited)."""
    with transaction.atomic():
        settings_row.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditAction.ADMIN,
            record=f"consent.ControllerMarketingSettings:{settings_row.pk}",
            reason="marketing rules and tracking switches changed",
            detail={f: getattr(settings_row, f) for f in fields if f != "from_email"},
        )
