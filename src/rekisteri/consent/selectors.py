"""The marketing rules engine: may we send this person this kind of message on this channel?

One set of SQL expressions answers for one person (the person page, `marketing_permission`)
and for a million (campaign audiences, `permission_annotate`), so the two never disagree.
Checks, in order; the first that applies is the answer:

1. restricted   — processing restricted (GDPR Art. 18): stored only.
2. objected     — an objection to direct marketing (Art. 21(2)-(3)) or an opt-out on this
                  channel. An objection always wins over any consent.
3. suppressed   — the address is on the suppression list (an opt-out that outlived erasure).
4. no_address / bounced — nothing to send to, or the address bounced hard.
5. permission   — consent given or a list subscription; a business contact (until they
                  object, if the controller follows the B2B rule); a consumer who is an
                  existing customer (own similar products, opt-out in every message).
                  Otherwise no_permission.

Service messages (a contract or price notice) skip 2, 3 and 5: they reach people who
refused marketing, but not restricted persons or dead addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from rekisteri.access.selectors import Scope, category_of
from rekisteri.consent.models import (
    Channel,
    Consent,
    ConsentPurpose,
    ConsentState,
    ControllerMarketingSettings,
    SuppressedContact,
)
from rekisteri.consent.suppression import suppression_match  # noqa: F401  (interface)
from rekisteri.register.models import Affiliation, ContactPoint, Person
from rekisteri.register.selectors import person_get_to_change, person_get_with


class Reason:
    ALLOWED_CONSENT = "consent"
    ALLOWED_SUBSCRIBED = "subscribed"
    ALLOWED_B2B = "b2b"
    ALLOWED_EXISTING_CUSTOMER = "existing_customer"
    ALLOWED_SERVICE = "service"
    RESTRICTED = "restricted"
    OBJECTED = "objected"
    SUPPRESSED = "suppressed"
    NO_ADDRESS = "no_address"
    BOUNCED = "bounced"
    NO_PERMISSION = "no_permission"
    NOT_SUBSCRIBED = "not_subscribed"


ALLOWED_CODES = frozenset(
    {
        Reason.ALLOWED_CONSENT,
        Reason.ALLOWED_SUBSCRIBED,
        Reason.ALLOWED_B2B,
        Reason.ALLOWED_EXISTING_CUSTOMER,
        Reason.ALLOWED_SERVICE,
    }
)
EXCLUSION_CODES = (
    Reason.RESTRICTED,
    Reason.OBJECTED,
    Reason.SUPPRESSED,
    Reason.NO_ADDRESS,
    Reason.BOUNCED,
    Reason.NO_PERMISSION,
    Reason.NOT_SUBSCRIBED,
)


def reason_text(code: str) -> str:
    return {
        Reason.ALLOWED_CONSENT: _("Allowed: the person has given consent on this channel."),
        Reason.ALLOWED_SUBSCRIBED: _("Allowed: the person subscribed to a mailing list."),
        Reason.ALLOWED_B2B: _(
            "Allowed: a business contact may receive marketing about their work until they object."
        ),
        Reason.ALLOWED_EXISTING_CUSTOMER: _(
            "Allowed: an existing customer may receive marketing of our own similar products; "
            "every message offers an opt-out."
        ),
        Reason.ALLOWED_SERVICE: _(
            "Allowed: a service message about the customer relationship, not marketing."
        ),
        Reason.RESTRICTED: _("Not allowed: processing is restricted (GDPR Art. 18)."),
        Reason.OBJECTED: _(
            "Not allowed: the person objected to direct marketing or opted out on this channel."
        ),
        Reason.SUPPRESSED: _("Not allowed: the address is on the suppression list."),
        Reason.NO_ADDRESS: _("Not possible: no address on this channel."),
        Reason.BOUNCED: _("Not possible: the address bounced and is marked undeliverable."),
        Reason.NO_PERMISSION: _("Not allowed: a consumer needs prior consent, and there is none."),
        Reason.NOT_SUBSCRIBED: _(
            "Not in the audience: the person is on none of the campaign's lists or segments."
        ),
    }.get(code, code)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason_code: str
    reason: str


def consent_category() -> str:
    """The data category of consents and prohibitions (the field map's)."""
    return category_of(Consent)


def consent_person_get(*, scope: Scope, person_id: int, to_change: bool = False) -> Person:
    """The person whose consents the user works on: 404 unless the user may read this
    person's consents (a person another group company shares under a purpose that does not
    cover them has none for the user); `to_change`: also 403 for a shared person."""
    person = person_get_with(scope=scope, person_id=person_id, categories={consent_category()})
    if to_change:
        person_get_to_change(scope=scope, person_id=person.pk)
    return person


def controller_settings(controller_id: int) -> ControllerMarketingSettings:
    # A plain read first: get_or_create opens a write transaction (and a commit) every time.
    obj = ControllerMarketingSettings.objects.filter(controller_id=controller_id).first()
    if obj is None:
        obj, _created = ControllerMarketingSettings.objects.get_or_create(
            controller_id=controller_id
        )
    return obj


def _contact_kind(channel: str) -> str | None:
    return {
        Channel.EMAIL: "email",
        Channel.PHONE: "phone",
        Channel.SMS: "phone",
        Channel.POST: "postal",
    }.get(channel)


def _current(purpose: str, channel: str, states: tuple[str, ...]) -> Exists:
    return Exists(
        Consent.objects.filter(
            person=OuterRef("pk"),
            purpose=purpose,
            channel__in=(channel, Channel.ALL),
            mailing_list__isnull=True,
            superseded_at__isnull=True,
            state__in=states,
        )
    )


def objected_expr(channel: str = Channel.EMAIL) -> Exists:
    return _current(
        ConsentPurpose.DIRECT_MARKETING, channel, (ConsentState.OBJECTED, ConsentState.WITHDRAWN)
    )


def address_subquery(kind: str = "email") -> Subquery:
    """The address we send to: the primary deliverable one, else any deliverable one."""
    return Subquery(
        ContactPoint.objects.filter(person=OuterRef("pk"), kind=kind, undeliverable_at__isnull=True)
        .order_by("-primary", "pk")
        .values("value")[:1]
    )


def _in_set(qs: QuerySet, column: str = "person_id") -> Q:
    """Membership in a small set, as an uncorrelated IN: the database builds it once."""
    return Q(pk__in=qs.values(column))


def permission_annotate(
    qs: QuerySet[Person],
    *,
    controller_id: int,
    channel: str = Channel.EMAIL,
    service: bool = False,
    list_ids: list[int] | None = None,
    membership: Q | None = None,
    only: list[int] | None = None,
) -> QuerySet[Person]:
    """Annotate `reason_code` (see the module docstring) on a queryset of persons.

    `only`: the persons the caller will ask about (a sending batch re-checked). The small
    sets are then read for them alone, by index, instead of whole: at a million persons the
    suppression list alone meant thousands of probes for every batch of a hundred.

    `membership`, for a campaign to lists: a condition that the person is (still) on one of
    the lists or in one of the segments; when it fails the reason is `not_subscribed`.

    Written for a million persons: the statements, suppressions and subscriptions are small
    sets tested with uncorrelated IN; the only per-person lookup is the address (and the
    affiliation of a person not marked as a contact person).
    """
    from rekisteri.marketing.models import Subscription, SubscriptionStatus

    def _in(qs: QuerySet, column: str = "person_id") -> Q:
        return _in_set(qs if only is None else qs.filter(**{f"{column}__in": only}), column)

    cfg = controller_settings(controller_id)
    kind = _contact_kind(channel) or "email"
    current = Consent.objects.filter(
        purpose=ConsentPurpose.DIRECT_MARKETING,
        channel__in=(channel, Channel.ALL),
        mailing_list__isnull=True,
        superseded_at__isnull=True,
    )
    before: list[When] = [When(restricted_since__isnull=False, then=Value(Reason.RESTRICTED))]
    if not service:
        suppressed = SuppressedContact.objects.filter(
            contact_point__kind__in=("email", "phone") if kind != "postal" else ("email",)
        )
        before += [
            When(
                _in(current.filter(state__in=(ConsentState.OBJECTED, ConsentState.WITHDRAWN))),
                then=Value(Reason.OBJECTED),
            ),
            When(_in(suppressed, "contact_point__person_id"), then=Value(Reason.SUPPRESSED)),
        ]
    if service:
        after: Any = Value(Reason.ALLOWED_SERVICE)
    else:
        allow: list[When] = []
        if membership is not None:
            allow.append(When(~membership, then=Value(Reason.NOT_SUBSCRIBED)))
        allow.append(
            When(
                _in(current.filter(state=ConsentState.GRANTED)),
                then=Value(Reason.ALLOWED_CONSENT),
            )
        )
        if channel == Channel.EMAIL:
            subs = Subscription.objects.filter(status=SubscriptionStatus.SUBSCRIBED)
            if list_ids is not None:
                subs = subs.filter(mailing_list_id__in=list_ids)
            allow.append(When(_in(subs), then=Value(Reason.ALLOWED_SUBSCRIBED)))
        if cfg.b2b_opt_out:
            business = Q(is_consumer=False) & (
                Q(is_contact_person=True)
                | Exists(Affiliation.objects.filter(person=OuterRef("pk"), end__isnull=True))
            )
            allow.append(When(business, then=Value(Reason.ALLOWED_B2B)))
        if cfg.existing_customer_rule:
            allow.append(
                When(
                    Q(is_consumer=True, is_service_user=True),
                    then=Value(Reason.ALLOWED_EXISTING_CUSTOMER),
                )
            )
        after = Case(*allow, default=Value(Reason.NO_PERMISSION), output_field=CharField())
    # The deliverable address is looked up first: for nearly everyone it is the only
    # per-person lookup; "bounced" and "no address" are told apart only when it fails.
    deliverable = Exists(
        ContactPoint.objects.filter(person=OuterRef("pk"), kind=kind, undeliverable_at__isnull=True)
    )
    has_address = Exists(ContactPoint.objects.filter(person=OuterRef("pk"), kind=kind))
    return qs.annotate(
        reason_code=Case(
            *before,
            When(deliverable, then=after),
            When(has_address, then=Value(Reason.BOUNCED)),
            default=Value(Reason.NO_ADDRESS),
            output_field=CharField(),
        )
    )


def tracking_annotate(qs: QuerySet[Person], *, controller_id: int, service: bool) -> QuerySet:
    """`tracked`: may opens and clicks of this person's message be recorded?"""
    cfg = controller_settings(controller_id)
    if service or not (cfg.open_tracking or cfg.click_tracking):
        return qs.annotate(tracked=Value(False, output_field=BooleanField()))
    dnt = _current(
        ConsentPurpose.TRACKING, Channel.EMAIL, (ConsentState.OBJECTED, ConsentState.WITHDRAWN)
    )
    return qs.annotate(
        tracked=Case(When(dnt, then=Value(False)), default=Value(True), output_field=BooleanField())
    )


def marketing_permission(
    *,
    person: Person,
    purpose: str = ConsentPurpose.DIRECT_MARKETING,
    channel: str = Channel.EMAIL,
    service: bool = False,
) -> Decision:
    """The rules engine for one person, with the reason shown to staff."""
    if purpose not in (ConsentPurpose.DIRECT_MARKETING, ConsentPurpose.PROFILING):
        raise ValueError(f"purpose: unknown marketing purpose {purpose!r}")
    from rekisteri.consent.suppression import suppression_refresh

    suppression_refresh()
    qs = permission_annotate(
        Person.objects.filter(pk=person.pk),
        controller_id=person.controller_id,
        channel=channel,
        service=service,
    )
    code = qs.values_list("reason_code", flat=True).first() or Reason.NO_PERMISSION
    if (
        purpose == ConsentPurpose.PROFILING
        and code in ALLOWED_CODES
        and profiling_objected(person_id=person.pk)
    ):
        code = Reason.OBJECTED
    return Decision(allowed=code in ALLOWED_CODES, reason_code=code, reason=reason_text(code))


def profiling_objected(*, person_id: int) -> bool:
    return Consent.objects.filter(
        person_id=person_id,
        purpose__in=(ConsentPurpose.PROFILING, ConsentPurpose.DIRECT_MARKETING),
        channel=Channel.ALL,
        mailing_list__isnull=True,
        superseded_at__isnull=True,
        state__in=(ConsentState.OBJECTED, ConsentState.WITHDRAWN),
    ).exists()


def tracking_allowed(*, person: Person) -> bool:
    cfg = controller_settings(person.controller_id)
    if not (cfg.open_tracking or cfg.click_tracking):
        return False
    return not Consent.objects.filter(
        person=person,
        purpose=ConsentPurpose.TRACKING,
        superseded_at__isnull=True,
        mailing_list__isnull=True,
        state__in=(ConsentState.OBJECTED, ConsentState.WITHDRAWN),
    ).exists()


def consent_history(*, person_id: int) -> QuerySet[Consent]:
    """Every statement of the person, newest first (the proof)."""
    return Consent.objects.filter(person_id=person_id).select_related("mailing_list")


def consent_current(*, person_id: int) -> list[Consent]:
    return list(
        Consent.objects.filter(person_id=person_id, superseded_at__isnull=True).select_related(
            "mailing_list"
        )
    )


def permission_summary(*, person: Person) -> dict[str, Any]:
    """Everything the person page shows about marketing permissions."""
    return {
        "email": marketing_permission(person=person, channel=Channel.EMAIL),
        "phone": marketing_permission(person=person, channel=Channel.PHONE),
        "service": marketing_permission(person=person, channel=Channel.EMAIL, service=True),
        "tracking": tracking_allowed(person=person),
        "current": consent_current(person_id=person.pk),
    }
