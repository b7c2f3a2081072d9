"""Writes of marketing: lists and subscriptions (single and double opt-in), segments,
campaigns, and what people do with a message's token (unsubscribe, preferences, tracking).

Every write takes the scope it is done in: a staff user's (the gate's), or a system scope
naming why the system acts (marketing.processing). It refuses what the scope does not
cover — another group company's list, segment or campaign; a person the user may not
process — and records the purposes the catalogue gives the work, never a code of ours.

Campaign audiences and sending live in audience.py and sending.py.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.consent.models import Channel, ConsentMethod, ConsentPurpose, ConsentState
from rekisteri.consent.services import (
    consent_record,
    marketing_objection_record,
    suppression_add,
    suppression_remove,
    tracking_objection_record,
)
from rekisteri.mail.models import MessageKind
from rekisteri.mail.outbox import enqueue
from rekisteri.marketing.compose import placeholder_errors, rate_of
from rekisteri.marketing.models import (
    Campaign,
    CampaignPurpose,
    CampaignRecipient,
    Interest,
    MailingList,
    OptIn,
    Segment,
    Subscription,
    SubscriptionStatus,
    TrackingEvent,
    TrackingKind,
)
from rekisteri.marketing.processing import (
    categories_of,
    check_person,
    purpose_of,
    require,
    require_own,
    system_actor,
)
from rekisteri.marketing.segments import RuleError, validate_rules
from rekisteri.register.inputs import CONTROL_CHARACTER
from rekisteri.register.models import Controller, Person, record_key

# A message's body has lines and may have tabs; any other control character (NUL, which
# PostgreSQL refuses, escape sequences, …) has no place in it.
BODY_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class MarketingInputError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def public_url(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


# --- mailing lists and subscriptions ---------------------------------------------------


@transaction.atomic
def mailing_list_create(
    *,
    actor: Actor,
    scope: Scope,
    controller: Controller,
    name: str,
    opt_in: str = OptIn.DOUBLE,
    description: str = "",
    consent_text: str = "",
    consent_text_version: str = "",
) -> MailingList:
    require(scope, Cap.SEND_DIRECT_MARKETING)
    require_own(scope, controller.pk)
    errors = {}
    if not name.strip():
        errors["name"] = "is required"
    elif MailingList.objects.filter(controller=controller, name=name.strip()).exists():
        errors["name"] = "a list with this name exists"
    if opt_in not in OptIn.values:
        errors["opt_in"] = "must be single or double"
    if errors:
        raise MarketingInputError(errors)
    obj = MailingList.objects.create(
        controller=controller,
        name=name.strip(),
        opt_in=opt_in,
        description=description,
        consent_text=consent_text,
        consent_text_version=consent_text_version,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        record=record_key(obj),
        purpose=purpose_of(scope, Cap.SEND_DIRECT_MARKETING),
    )
    return obj


def _primary_email(person: Person) -> str | None:
    return (
        person.contact_points.filter(kind="email")
        .order_by("-primary", "pk")
        .values_list("value", flat=True)
        .first()
    )


def subscription_request(
    *,
    actor: Actor,
    scope: Scope,
    mailing_list: MailingList,
    person: Person,
    method: str,
    ip: str | None = None,
    user_agent: str = "",
    send_confirmation: bool = True,
    confirmed: bool = False,
) -> Subscription:
    """Subscribe a person; with double opt-in, only after they confirm the emailed link.

    `confirmed`: the person's opt-in was already proven elsewhere (an import of a list that
    was collected with confirmation); the import is recorded as the proof.
    """
    require(scope, Cap.MANAGE_CONSENTS)
    require_own(scope, mailing_list.controller_id)
    check_person(scope, person)
    categories = categories_of("marketing.Subscription.status")
    purpose = purpose_of(scope, Cap.MANAGE_CONSENTS, categories)
    if person.controller_id != mailing_list.controller_id:
        raise MarketingInputError({"person": "belongs to another group company than the list"})
    with transaction.atomic():
        sub, _created = Subscription.objects.select_for_update().get_or_create(
            mailing_list=mailing_list,
            person=person,
            defaults={"status": SubscriptionStatus.PENDING, "token": secrets.token_urlsafe(32)},
        )
        if sub.status == SubscriptionStatus.SUBSCRIBED:
            return sub
        if mailing_list.opt_in == OptIn.SINGLE or confirmed:
            _activate(sub, actor=actor, scope=scope, method=method, ip=ip, user_agent=user_agent)
            return sub
        sub.status = SubscriptionStatus.PENDING
        sub.token = secrets.token_urlsafe(32)
        sub.save(update_fields=["status", "token", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            person_id=person.pk,
            record=record_key(sub),
            categories=categories,
            purpose=purpose,
            reason="subscription waiting for confirmation",
        )
        email = _primary_email(person)
        if send_confirmation and email:
            _send_confirmation(mailing_list, person, email, sub.token)
    return sub


def _send_confirmation(mailing_list: MailingList, person: Person, email: str, token: str) -> None:
    """Queue the confirmation in the outbox, in the subscription's transaction."""
    with translation.override(person.language or "fi"):
        link = public_url(f"/m/confirm/{token}")
        enqueue(
            controller_id=mailing_list.controller_id,
            to=email,
            subject=_("Please confirm your subscription: %(name)s") % {"name": mailing_list.name},
            body=_(
                "Confirm that you want to receive %(name)s by opening this link:\n\n%(link)s\n\n"
                "If you did not ask for this, ignore this message."
            )
            % {"name": mailing_list.name, "link": link},
            kind=MessageKind.SUBSCRIPTION,
            person_id=person.pk,
            reference=record_key(mailing_list),
        )


def _activate(
    sub: Subscription,
    *,
    actor: Actor,
    scope: Scope,
    method: str,
    ip: str | None,
    user_agent: str,
) -> None:
    now = timezone.now()
    sub.status, sub.confirmed_at, sub.unsubscribed_at = SubscriptionStatus.SUBSCRIBED, now, None
    sub.save(update_fields=["status", "confirmed_at", "unsubscribed_at", "updated_at"])
    lst = sub.mailing_list
    consent_record(
        actor=actor,
        person=sub.person,
        purpose=ConsentPurpose.DIRECT_MARKETING,
        channel=Channel.EMAIL,
        state=ConsentState.GRANTED,
        method=method,
        mailing_list=lst,
        text=lst.consent_text or lst.name,
        text_version=lst.consent_text_version,
        ip=ip,
        user_agent=user_agent,
        at=now,
        scope=scope,
    )


def subscription_confirm(
    *, scope: Scope, token: str, ip: str | None, user_agent: str
) -> Subscription | None:
    """The double opt-in link: the confirmation, with time, IP and browser, is the proof.

    `scope`: the system scope of the person's own link (they act, not a staff user)."""
    with transaction.atomic():
        sub = (
            Subscription.objects.select_for_update()
            .select_related("mailing_list", "person")
            .filter(token=token)
            .first()
        )
        if sub is None:
            return None
        if sub.status == SubscriptionStatus.PENDING:
            require_own(scope, sub.mailing_list.controller_id)
            purpose = purpose_of(
                scope, Cap.MANAGE_CONSENTS, categories_of("marketing.Subscription.status")
            )
            actor = system_actor(scope, ip=ip, purpose=purpose)
            _activate(
                sub,
                actor=actor,
                scope=scope,
                method=ConsentMethod.DOUBLE_OPT_IN,
                ip=ip,
                user_agent=user_agent,
            )
            # The person proved they hold the address and asked for this list themselves.
            email = _primary_email(sub.person)
            if email:
                suppression_remove(
                    actor=actor, email=email, reason="confirmed subscription", scope=scope
                )
    return sub


def subscription_cancel(
    *,
    actor: Actor,
    scope: Scope,
    subscription: Subscription,
    method: str,
    ip: str | None = None,
    user_agent: str = "",
) -> None:
    require_own(scope, subscription.mailing_list.controller_id)
    with transaction.atomic():
        if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
            return
        subscription.status = SubscriptionStatus.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["status", "unsubscribed_at", "updated_at"])
        consent_record(
            actor=actor,
            person=subscription.person,
            purpose=ConsentPurpose.DIRECT_MARKETING,
            channel=Channel.EMAIL,
            state=ConsentState.WITHDRAWN,
            method=method,
            mailing_list=subscription.mailing_list,
            ip=ip,
            user_agent=user_agent,
            scope=scope,
        )


# --- segments ---------------------------------------------------------------------------


@transaction.atomic
def segment_save(
    *,
    actor: Actor,
    scope: Scope,
    controller: Controller,
    name: str,
    rules: Any,
    description: str = "",
    segment: Segment | None = None,
) -> Segment:
    require(scope, Cap.PROFILE_SEGMENTS)
    require_own(scope, controller.pk)
    if segment is not None and segment.controller_id != controller.pk:
        raise MarketingInputError({"controller": "a segment stays with its group company"})
    try:
        rules = validate_rules(rules)
    except RuleError as exc:
        raise MarketingInputError({"rules": str(exc)}) from exc
    if not name.strip():
        raise MarketingInputError({"name": "is required"})
    if segment is None:
        if Segment.objects.filter(controller=controller, name=name.strip()).exists():
            raise MarketingInputError({"name": "a segment with this name exists"})
        segment = Segment.objects.create(
            controller=controller, name=name.strip(), rules=rules, description=description
        )
    else:
        segment.name, segment.rules, segment.description = name.strip(), rules, description
        segment.save(update_fields=["name", "rules", "description", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        record=record_key(segment),
        purpose=purpose_of(scope, Cap.PROFILE_SEGMENTS),
    )
    return segment


def segment_refresh(*, actor: Actor, scope: Scope, segment: Segment) -> int:
    from rekisteri.marketing.segments import segment_compute

    require(scope, Cap.PROFILE_SEGMENTS)
    require_own(scope, segment.controller_id)
    categories = categories_of("marketing.SegmentMember.rules")
    purpose = purpose_of(scope, Cap.PROFILE_SEGMENTS, categories)
    with transaction.atomic():
        count = segment_compute(segment)
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            record=record_key(segment),
            categories=categories,
            purpose=purpose,
            reason="segment computed",
            detail={"members": count},
        )
    return count


# --- campaigns ---------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name",
    "purpose",
    "subject_fi",
    "subject_sv",
    "subject_en",
    "body_fi",
    "body_sv",
    "body_en",
    "rate",
)


@transaction.atomic
def campaign_save(
    *,
    actor: Actor,
    scope: Scope,
    controller: Controller,
    data: dict[str, Any],
    lists: list[MailingList] | None = None,
    segments: list[Segment] | None = None,
    campaign: Campaign | None = None,
) -> Campaign:
    require(scope, Cap.SEND_DIRECT_MARKETING)
    require_own(scope, controller.pk)
    errors = {}
    if not str(data.get("name", "")).strip():
        errors["name"] = "is required"
    if data.get("purpose", CampaignPurpose.MARKETING) not in CampaignPurpose.values:
        errors["purpose"] = "must be marketing or service"
    if not any(data.get(f"subject_{lang}") for lang in ("fi", "sv", "en")):
        errors["subject_fi"] = "give a subject in at least one language"
    if not any(data.get(f"body_{lang}") for lang in ("fi", "sv", "en")):
        errors["body_fi"] = "give a message in at least one language"
    for obj in [*(lists or []), *(segments or [])]:
        if obj.controller_id != controller.pk:
            errors["lists"] = "lists and segments must be of the campaign's group company"
    if campaign is not None and campaign.status != "draft":
        errors["status"] = "only a draft can be changed"
    if campaign is not None and campaign.controller_id != controller.pk:
        errors["controller"] = "a campaign stays with its group company"
    for name in ("name", "subject_fi", "subject_sv", "subject_en"):
        # A subject becomes a mail header: a line break in it would start another header.
        if CONTROL_CHARACTER.search(str(data.get(name) or "")):
            errors[name] = "must not contain control characters"
    for name in ("body_fi", "body_sv", "body_en"):
        if BODY_CONTROL_CHARACTER.search(str(data.get(name) or "")):
            errors[name] = "must not contain control characters"
    errors.update({k: v for k, v in placeholder_errors(data).items() if k not in errors})
    if "rate" in data:
        try:
            data = {**data, "rate": rate_of(data["rate"])}
        except ValueError as exc:
            errors["rate"] = str(exc)
    if errors:
        raise MarketingInputError(errors)
    values = {k: data[k] for k in CAMPAIGN_FIELDS if k in data}
    if campaign is None:
        campaign = Campaign.objects.create(controller=controller, created_by=actor.name, **values)
    else:
        for k, v in values.items():
            setattr(campaign, k, v)
        campaign.save(update_fields=[*values, "updated_at"])
    if lists is not None:
        campaign.lists.set(lists)
    if segments is not None:
        campaign.segments.set(segments)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        record=record_key(campaign),
        purpose=purpose_of(scope, Cap.SEND_DIRECT_MARKETING),
    )
    return campaign


def campaign_queue(*, actor: Actor, scope: Scope, campaign: Campaign) -> Campaign:
    """Staff press "send": the worker (`rekisteri campaign send ID`) does the sending."""
    from rekisteri.marketing.sending import campaign_prepare

    campaign_prepare(actor=actor, scope=scope, campaign=campaign)
    return campaign


# --- what people do with a message ----------------------------------------------------


def recipient_by_token(token: str) -> CampaignRecipient | None:
    if not token or len(token) > 64:
        return None
    return (
        CampaignRecipient.objects.select_related("person", "campaign", "campaign__controller")
        .filter(token=token)
        .first()
    )


def _rights_actor(scope: Scope, ip: str | None) -> Actor:
    """The person acts on their own marketing preferences (Art. 21): the system records it
    for the purposes that handle data subjects' rights."""
    purpose = purpose_of(scope, Cap.HANDLE_RIGHTS_REQUESTS, categories_of("consent.Consent.state"))
    return system_actor(scope, ip=ip, purpose=purpose)


def unsubscribe(*, scope: Scope, token: str, ip: str | None, user_agent: str, method: str) -> bool:
    """One click: email marketing of this group company stops at once; idempotent.

    The opt-out is recorded with its proof, the campaign's lists are left, and the address
    goes on the suppression list so that the opt-out outlives erasure. `scope`: the system
    scope of the person's own link or mail (marketing.processing).
    """
    from rekisteri.consent.models import Consent

    recipient = recipient_by_token(token)
    if recipient is None:
        return False
    person = recipient.person
    require_own(scope, person.controller_id)
    actor = _rights_actor(scope, ip)
    with transaction.atomic():
        already = Consent.objects.filter(
            person=person,
            purpose=ConsentPurpose.DIRECT_MARKETING,
            channel__in=(Channel.EMAIL, Channel.ALL),
            mailing_list__isnull=True,
            superseded_at__isnull=True,
            state__in=(ConsentState.WITHDRAWN, ConsentState.OBJECTED),
        ).exists()
        if not already:
            consent_record(
                actor=actor,
                person=person,
                purpose=ConsentPurpose.DIRECT_MARKETING,
                channel=Channel.EMAIL,
                state=ConsentState.WITHDRAWN,
                method=method,
                ip=ip,
                user_agent=user_agent,
                text=f"unsubscribe from campaign {recipient.campaign_id}",
                scope=scope,
            )
        now = timezone.now()
        Subscription.objects.filter(person=person).exclude(
            status=SubscriptionStatus.UNSUBSCRIBED
        ).update(status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now)
        suppression_add(actor=actor, email=recipient.email, reason="unsubscribe", scope=scope)
    return True


def preferences_save(
    *,
    scope: Scope,
    token: str,
    ip: str | None,
    user_agent: str,
    lists: set[int],
    channels: set[str],
    tracking: bool,
    language: str | None,
    stop_all: bool,
) -> bool:
    """The preference centre: lists, marketing channels, tracking, language, stop all."""
    from rekisteri.consent.selectors import consent_current, tracking_allowed
    from rekisteri.register.services import person_update

    recipient = recipient_by_token(token)
    if recipient is None:
        return False
    person = recipient.person
    require_own(scope, person.controller_id)
    actor = _rights_actor(scope, ip)
    method = ConsentMethod.PREFERENCE_CENTRE
    proof = {"ip": ip, "user_agent": user_agent, "method": method}
    with transaction.atomic():
        if stop_all:
            marketing_objection_record(
                actor=actor, person=person, source=method, ip=ip, user_agent=user_agent, scope=scope
            )
            return True
        current = {
            (c.purpose, c.channel): c.state
            for c in consent_current(person_id=person.pk)
            if c.mailing_list_id is None
        }
        for channel in (Channel.EMAIL, Channel.PHONE, Channel.SMS, Channel.POST):
            want = channel in channels
            now_state = current.get((ConsentPurpose.DIRECT_MARKETING, channel))
            if want and now_state != ConsentState.GRANTED:
                consent_record(
                    actor=actor,
                    person=person,
                    purpose=ConsentPurpose.DIRECT_MARKETING,
                    channel=channel,
                    state=ConsentState.GRANTED,
                    text="preference centre",
                    **proof,
                    scope=scope,
                )
                if current.get((ConsentPurpose.DIRECT_MARKETING, Channel.ALL)) in (
                    ConsentState.OBJECTED,
                    ConsentState.WITHDRAWN,
                ):
                    consent_record(
                        actor=actor,
                        person=person,
                        purpose=ConsentPurpose.DIRECT_MARKETING,
                        channel=Channel.ALL,
                        state=ConsentState.GRANTED,
                        text="preference centre: marketing allowed again",
                        **proof,
                        scope=scope,
                    )
                if channel == Channel.EMAIL:
                    suppression_remove(
                        actor=actor, email=recipient.email, reason="preference centre", scope=scope
                    )
            elif not want and now_state not in (ConsentState.WITHDRAWN, ConsentState.OBJECTED):
                consent_record(
                    actor=actor,
                    person=person,
                    purpose=ConsentPurpose.DIRECT_MARKETING,
                    channel=channel,
                    state=ConsentState.WITHDRAWN,
                    **proof,
                    scope=scope,
                )
        for lst in MailingList.objects.filter(controller_id=person.controller_id):
            sub = Subscription.objects.filter(mailing_list=lst, person=person).first()
            subscribed = sub is not None and sub.status == SubscriptionStatus.SUBSCRIBED
            if lst.pk in lists and not subscribed:
                sub = sub or Subscription.objects.create(
                    mailing_list=lst,
                    person=person,
                    status=SubscriptionStatus.PENDING,
                    token=secrets.token_urlsafe(32),
                )
                _activate(
                    sub, actor=actor, scope=scope, method=method, ip=ip, user_agent=user_agent
                )
            elif lst.pk not in lists and subscribed:
                subscription_cancel(
                    actor=actor,
                    scope=scope,
                    subscription=sub,
                    method=method,
                    ip=ip,
                    user_agent=user_agent,
                )
        if not tracking and tracking_allowed(person=person):
            tracking_objection_record(
                actor=actor, person=person, method=method, ip=ip, user_agent=user_agent, scope=scope
            )
        elif tracking and not tracking_allowed(person=person):
            consent_record(
                actor=actor,
                person=person,
                purpose=ConsentPurpose.TRACKING,
                channel=Channel.EMAIL,
                state=ConsentState.GRANTED,
                **proof,
                scope=scope,
            )
        if language in ("fi", "sv", "en") and language != person.language:
            person_update(
                actor=actor,
                person=person,
                data={"language": language},
                purpose=actor.purpose,
                reason="preference centre",
                scope=scope,
            )
    return True


def interest_add(
    *, actor: Actor, scope: Scope, person: Person, topic: str, source: str
) -> Interest:
    require(scope, Cap.MANAGE_CONSENTS)
    check_person(scope, person)
    categories = categories_of("marketing.Interest.topic")
    purpose = purpose_of(scope, Cap.MANAGE_CONSENTS, categories)
    with transaction.atomic():
        obj, _created = Interest.objects.get_or_create(
            person=person,
            topic=topic.strip()[:100],
            defaults={"source": source[:20], "at": timezone.now()},
        )
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            person_id=person.pk,
            record=record_key(obj),
            categories=categories,
            purpose=purpose,
        )
    return obj


def tracking_record(*, token: str, kind: str, url: str = "") -> CampaignRecipient | None:
    """An open or a click; only for tracked messages (never service messages)."""
    recipient = recipient_by_token(token)
    if recipient is None or not recipient.tracked:
        return recipient
    from rekisteri.consent.selectors import tracking_allowed

    if recipient.campaign.purpose != CampaignPurpose.MARKETING or not tracking_allowed(
        person=recipient.person
    ):
        return recipient
    cfg_open = recipient.campaign.controller.marketing_settings
    if kind == TrackingKind.OPEN and not cfg_open.open_tracking:
        return recipient
    if kind == TrackingKind.CLICK and not cfg_open.click_tracking:
        return recipient
    TrackingEvent.objects.create(recipient=recipient, kind=kind, url=url[:1000], at=timezone.now())
    return recipient
