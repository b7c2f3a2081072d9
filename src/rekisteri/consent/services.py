"""Writes of consents, prohibitions and the suppression list, each audited in its transaction.

Withdrawing is as easy as giving: both are one call of `consent_record` (and one button in
the staff UI and the preference centre). Nothing is overwritten; a new statement supersedes
the previous one for the same person, purpose, channel and list.

Every write takes the scope it is done in, never optional: a staff user's (who must keep the
person's record: a person another group company shares is read-only), or
`access.selectors.system_scope(reason)` for what the person does themselves through a link
in a message or the preference centre, and for imports. The purpose recorded is the one the
scope's purposes covering consents give (`register.selectors.purpose_for`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
from rekisteri.access.selectors import (
    Scope,
    person_categories,
    person_visible,
    person_writable,
)
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.consent.models import (
    Channel,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentState,
    Suppression,
)
from rekisteri.consent.selectors import consent_category
from rekisteri.consent.suppression import (
    add_entries,
    remove_entries,
    suppression_match,
    suppression_refresh,
)
from rekisteri.register.models import ContactPoint, Person, record_key
from rekisteri.register.selectors import purpose_for

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


def _require_keeper(scope: Scope, person: Person) -> None:
    """Consents are recorded by the group company that keeps the person's record, by a user
    who may read them; a shared person is read-only."""
    if not person_visible(scope, person):
        raise ProcessingRefused(
            _("This person is not in the register of your group company."), code="controller"
        )
    if not person_writable(scope, person):
        from rekisteri.access.policy import shared_refusal

        raise shared_refusal()
    if consent_category() not in person_categories(scope, person):
        raise ProcessingRefused(
            _("Your role's purposes do not cover these data categories"), code="category"
        )


def _purpose(scope: Scope, categories: list[str], person: Person | None = None) -> str:
    return purpose_for(scope, categories, person=person, capability=Cap.MANAGE_CONSENTS)


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
    scope: Scope,
    mailing_list: Any = None,
    at: datetime | None = None,
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
    _require_keeper(scope, person)
    if state == ConsentState.GRANTED:
        # Stopping marketing is always possible (even under restriction); starting it is
        # processing.
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
            categories=[consent_category()],
            fields=["purpose", "channel", "state", "method"],
            purpose=_purpose(scope, [consent_category()], person),
            reason=f"consent {state} ({purpose}/{channel}) by {method}",
            detail=scope.audit_detail(),
        )
    return consent


def suppression_add(
    *,
    actor: Actor,
    scope: Scope,
    email: str | None = None,
    phone: str | None = None,
    reason: str,
) -> None:
    """Keep a keyed hash of the address so that it never gets marketing again. Idempotent."""
    category = Suppression.retention_category
    with transaction.atomic():
        added = add_entries(email=email, phone=phone, reason=reason)
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            categories=[category],
            purpose=_purpose(scope, [category]),
            reason="suppression list entry added",
            detail=scope.audit_detail(added=added, reason=reason[:40]),
        )


def suppression_remove(
    *,
    actor: Actor,
    scope: Scope,
    email: str | None = None,
    phone: str | None = None,
    reason: str,
) -> int:
    """Only when the person themselves asks for marketing again (a new, proven consent)."""
    category = Suppression.retention_category
    with transaction.atomic():
        removed = remove_entries(email=email, phone=phone)
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            categories=[category],
            purpose=_purpose(scope, [category]),
            reason="suppression list entry removed",
            detail=scope.audit_detail(removed=removed, reason=reason[:40]),
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
    scope: Scope,
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

    The scope is the recorder's: staff of the company that keeps the person's record (a
    shared person is read-only). Passing the objection on to the other group companies'
    records of the same person is the law's doing, not the recorder's reach: it is done with
    the system's authority, and recorded as such.
    """
    from rekisteri.access.selectors import system_scope
    from rekisteri.marketing.models import Subscription, SubscriptionStatus

    _require_keeper(scope, person)
    method = source if source in ConsentMethod.values else ConsentMethod.RIGHTS_REQUEST
    channel = channel or Channel.ALL
    now = timezone.now()
    with transaction.atomic():
        persons = _same_person_elsewhere(person)
        onward = system_scope("objection to direct marketing applies in every group company")
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
                scope=scope if p.pk == person.pk else onward,
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
            categories=[consent_category(), Suppression.retention_category],
            purpose=_purpose(scope, [consent_category()], person),
            reason=f"objection to direct marketing ({channel}) applied to all group companies",
            detail=scope.audit_detail(records=len(persons)),
        )


def tracking_objection_record(
    *,
    actor: Actor,
    person: Person,
    method: str,
    scope: Scope,
    ip: str | None = None,
    user_agent: str = "",
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
        scope=scope,
    )


def marketing_settings_save(
    *, actor: Actor, settings_row: Any, fields: list[str], scope: Scope
) -> None:
    """Save a group company's marketing rules and tracking switches (audited): only for the
    user's own group companies."""
    if not scope.is_staff or settings_row.controller_id not in scope.controller_ids:
        raise ProcessingRefused(_("You are not staff of this group company."), code="controller")
    with transaction.atomic():
        settings_row.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditAction.ADMIN,
            record=f"consent.ControllerMarketingSettings:{settings_row.pk}",
            reason="marketing rules and tracking switches changed",
            detail=scope.audit_detail(
                **{f: getattr(settings_row, f) for f in fields if f != "from_email"}
            ),
        )
