"""Writes for data subject rights: the request workflow and each right's effect.

Design (see also docs/rights.md):
- Nothing is released before the requester is verified: `request_fulfil` refuses a request
  without `verified_at`, and acts only on person records the DPO has confirmed.
- Deadlines follow Art. 12(3): due one calendar month after receipt; one extension of one or
  two months, with a reason, only while the first month runs, and the person is told.
- The public page never reveals whether an address is in the register: an unknown address
  gets the same answer and no email, and nothing is stored about it.
- Each write runs in one transaction with its audit event; emails go after commit.
- Restriction: `restriction_set` / `restriction_lift` are the only writers of
  Person.restricted_since; rekisteri.access.policy enforces it.
- Every staff service takes the user's scope (required): a request, person or package of
  another group company is refused here too, not only by the views (rights.selectors).
  Background work passes a system scope (rekisteri.audit.work.system_scope). The purpose
  written to the audit trail is the scope's purposes covering "handle data subject
  requests", as the catalogue binds them; no purpose is named in this code.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation
from rekisteri.access.selectors import Scope, category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.audit.work import catalogue_purpose, work_purpose
from rekisteri.catalogue.models import LegalBasis, Objection
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.crypto import keyed_hash
from rekisteri.common.words import in_words
from rekisteri.consent.models import Consent
from rekisteri.consent.services import marketing_objection_record
from rekisteri.disclosures.selectors import recipients_to_notify
from rekisteri.register.models import ContactKind, ContactPoint, Person, record_key
from rekisteri.register.validators import InvalidValue, normalise_email
from rekisteri.rights import notify
from rekisteri.rights.deadlines import due_date_for, extended_due_date
from rekisteri.rights.erasure import (  # noqa: F401  (re-exported interface)
    ErasureBlocked,
    ErasurePlan,
    erasure_execute,
    erasure_plan,
)
from rekisteri.rights.models import (
    Channel,
    ObjectionDecision,
    Package,
    RefusalReason,
    RequestKind,
    RequestStatus,
    RequestSubject,
    Restriction,
    RightsRequest,
    VerificationMethod,
)
from rekisteri.rights.packages import (  # noqa: F401  (re-exported interface)
    access_package_build,
    access_package_create,
    portability_package_build,
    portability_package_create,
)
from rekisteri.rights.selectors import person_check, persons_in_scope, request_get

VERIFY_LINK_LIFETIME = timedelta(hours=48)
DOWNLOAD_LINK_LIFETIME = timedelta(days=14)
PUBLIC_REQUESTS_PER_HOUR = 5
#: the person id of the stand-in subject row of a public request that is rolled back
_STAND_IN = 0
#: the data categories of what a request holds (its requester's details), of a person's
#: restriction marker and of their marketing objection, from the field map
RIGHTS_CATEGORY = category_of(RightsRequest, "details")
RESTRICTION_CATEGORY = category_of(Person, "restricted_since")
OBJECTION_CATEGORY = category_of(Consent, "state")


def rights_purpose(scope: Scope) -> str:
    """The purpose recorded for the scope's rights work (refused without the capability)."""
    return work_purpose(scope, Cap.HANDLE_RIGHTS_REQUESTS)


def _public_purpose() -> str:
    """The purpose of the person's own steps on the self-service pages."""
    return catalogue_purpose(Cap.HANDLE_RIGHTS_REQUESTS)


class RightsError(ValueError):
    """A rule of the workflow was broken; the message can be shown to staff.

    `message` is English (a gettext message id) with its values in `params`: `str()` is the
    English (for the command line and the logs), `shown()` the message in the active
    language with dates in its format (`common.words.in_words`), for a page."""

    def __init__(self, message: str, field: str = "", **params: Any) -> None:
        super().__init__(str(message) % params if params else str(message))
        self.message = str(message)
        self.field = field
        self.params = params

    def shown(self) -> str:
        return in_words(self.message, self.params)


def _token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def email_hash(email: str) -> str:
    return keyed_hash(email.strip().lower(), purpose="rights-email")


def _audit(
    actor: Actor,
    request: RightsRequest,
    reason: str,
    person_ids: list[int] | None = None,
    *,
    purpose: str,
    **kw: Any,
) -> None:
    ids = (
        person_ids
        if person_ids is not None
        else list(request.subjects.values_list("person_id", flat=True))
    )
    audit_record(
        actor=actor,
        action=AuditAction.RIGHTS,
        person_id=ids[0] if len(ids) == 1 else None,
        person_ids=ids,
        record=f"rights.RightsRequest:{request.pk}",
        categories=[RIGHTS_CATEGORY],
        purpose=purpose,
        reason=reason,
        detail={"kind": request.kind, "status": request.status, **kw},
    )


def _not_in_register(ids: list[int]) -> RightsError:
    # The same words for another company's person and for one that does not exist.
    return RightsError(
        _("No person record with id %(ids)s in the register of your group company.")
        % {"ids": ", ".join(map(str, ids))},
        field="person_ids",
    )


def _handled(scope: Scope, request: RightsRequest) -> RightsRequest:
    """The request again through the scope: another company's request is refused here too."""
    rights_purpose(scope)
    return request_get(scope=scope, request_id=request.pk)


def persons_by_email(email: str) -> list[Person]:
    return list(
        Person.objects.filter(
            pk__in=ContactPoint.objects.filter(kind=ContactKind.EMAIL, value=email).values(
                "person_id"
            )
        ).select_related("controller")
    )


def _primary_email(person: Person) -> str:
    cp = (
        ContactPoint.objects.filter(person=person, kind=ContactKind.EMAIL)
        .order_by("-primary", "id")
        .first()
    )
    return cp.value if cp else ""


def _start_clock(request: RightsRequest, at: datetime) -> None:
    request.received_at = at
    request.due_date = due_date_for(timezone.localdate(at))


# --- Submitting and verifying ---------------------------------------------------------------


@dataclass(frozen=True)
class PublicSubmission:
    """What the public page learns: nothing about membership. `request` is for tests/logs."""

    request: RightsRequest | None


def request_submit_public(
    *,
    kind: str,
    email: str,
    language: str = "fi",
    name: str = "",
    details: str = "",
    changes: dict[str, str] | None = None,
    objection_purpose: str = "",
    ip: str | None = None,
) -> PublicSubmission:
    """A request from the public page: a one-time link goes to the address if it is ours."""
    if kind not in RequestKind.values:
        raise RightsError(N_("unknown kind of request"), field="kind")
    try:
        email = normalise_email(email)
    except InvalidValue as exc:
        raise RightsError(str(exc), field="email") from exc
    language = language if language in ("fi", "sv", "en") else "fi"
    # The same work for every address (issue 14): a registered one must not answer more
    # slowly. An unknown address, or one past its hourly limit, goes through the same
    # lookups, writes, audit event and rendering of the mail, inside a transaction that is
    # then rolled back: nothing of it is kept and no mail leaves (on_commit callbacks of a
    # rolled-back block are discarded). Its writes hold no address, and its one subject row
    # stands in for the person (deferred foreign keys: never checked, never committed). The
    # mail is queued in the outbox and leaves with the worker, never while the client waits.
    persons = persons_by_email(email)
    ehash = email_hash(email)
    now = timezone.now()
    recent = RightsRequest.objects.filter(
        email_hash=ehash, submitted_at__gte=now - timedelta(hours=1)
    ).count()
    real = bool(persons) and recent < PUBLIC_REQUESTS_PER_HOUR
    verify_token, verify_hash = _token()
    status_token, status_hash = _token()
    purpose = _public_purpose()
    actor = Actor("public", ip=ip, purpose=purpose)
    # The outer block commits in both cases (on PostgreSQL with a flush of the WAL in both);
    # the inner one is rolled back when there is nothing to keep.
    with transaction.atomic(), transaction.atomic():
        request = RightsRequest.objects.create(
            kind=kind,
            channel=Channel.PUBLIC_PAGE,
            status=RequestStatus.UNVERIFIED,
            submitted_at=now,
            language=language,
            requester_name=name[:200] if real else "",
            requester_email=email if real else "",
            details=details if real else "",
            changes=(changes or {}) if real else {},
            objection_purpose=objection_purpose,
            verify_token_hash=verify_hash,
            verify_expires_at=now + VERIFY_LINK_LIFETIME,
            status_token_hash=status_hash,
            email_hash=ehash if real else "",
            created_by="public",
        )
        RequestSubject.objects.bulk_create(
            [RequestSubject(request=request, person=p, matched_by="email") for p in persons]
            if real
            else [RequestSubject(request=request, person_id=_STAND_IN, matched_by="email")]
        )
        _audit(
            actor,
            request,
            "request submitted on the public page (not yet verified)",
            purpose=purpose,
        )
        notify.send_later(
            to=email,
            lang=language,
            template="verify",
            context={
                "request": request,
                "verify_url": notify.absolute("portal:verify", token=verify_token),
                "status_url": notify.absolute("portal:status", token=status_token),
                "hours": int(VERIFY_LINK_LIFETIME.total_seconds() // 3600),
            },
        )
        if not real:
            transaction.set_rollback(True)
    return PublicSubmission(request if real else None)


def request_verify_link(*, token: str, ip: str | None = None) -> RightsRequest | None:
    """The requester followed the emailed link: identity verified, the clock starts."""
    h = token_hash(token)
    now = timezone.now()
    with transaction.atomic():
        request = (
            RightsRequest.objects.select_for_update()
            .filter(verify_token_hash=h, status=RequestStatus.UNVERIFIED)
            .first()
        )
        if request is None or not request.verify_expires_at or request.verify_expires_at < now:
            return None
        request.status = RequestStatus.OPEN
        request.verified_at = now
        request.verification_method = VerificationMethod.EMAIL_LINK
        request.verified_by = "public"
        request.verify_token_hash = ""
        _start_clock(request, now)
        request.save(
            update_fields=[
                "status",
                "verified_at",
                "verification_method",
                "verified_by",
                "verify_token_hash",
                "received_at",
                "due_date",
                "updated_at",
            ]
        )
        purpose = _public_purpose()
        _audit(
            Actor("public", ip=ip, purpose=purpose),
            request,
            "requester verified by link",
            purpose=purpose,
        )
    return request


def request_create_staff(
    *,
    scope: Scope,
    actor: Actor,
    kind: str,
    channel: str,
    received_at: datetime | None = None,
    requester_name: str = "",
    requester_email: str = "",
    requester_phone: str = "",
    requester_address: str = "",
    language: str = "fi",
    details: str = "",
    changes: dict[str, str] | None = None,
    objection_purpose: str = "",
    person_ids: list[int] | None = None,
    verification_method: str = "",
    verification_note: str = "",
    controller_id: int | None = None,
) -> tuple[RightsRequest, str]:
    """A request received by email, letter or phone, recorded by staff.

    Every person record named must be of the user's own group companies (RightsError on
    `person_ids` otherwise: nothing is recorded); an email address matches only those.
    The request belongs to `controller_id` (one of the user's companies; implied when the
    user has one, or when the persons named are all of one).
    Returns the request and its status-page token (also emailed when there is an address).
    """
    purpose = rights_purpose(scope)
    if kind not in RequestKind.values:
        raise RightsError(N_("unknown kind of request"), field="kind")
    if channel not in Channel.values or channel == Channel.PUBLIC_PAGE:
        raise RightsError(N_("staff record requests received by email, letter or phone"), "channel")
    if verification_method and verification_method not in VerificationMethod.values:
        raise RightsError(N_("unknown verification method"), field="verification_method")
    email = ""
    if requester_email:
        try:
            email = normalise_email(requester_email)
        except InvalidValue as exc:
            raise RightsError(str(exc), field="requester_email") from exc
    named, unknown = persons_in_scope(scope=scope, person_ids=person_ids or [])
    if unknown:
        raise _not_in_register(unknown)
    controller_id = _request_controller(scope, controller_id, named)
    now = timezone.now()
    received = received_at or now
    if received > now + timedelta(minutes=5):
        raise RightsError(N_("the request cannot be received in the future"), field="received_at")
    status_token, status_hash = _token()
    with transaction.atomic():
        request = RightsRequest(
            kind=kind,
            channel=channel,
            status=RequestStatus.OPEN,
            submitted_at=received,
            language=language if language in ("fi", "sv", "en") else "fi",
            requester_name=requester_name[:200],
            requester_email=email,
            requester_phone=requester_phone[:40],
            requester_address=requester_address,
            details=details,
            changes=changes or {},
            objection_purpose=objection_purpose,
            status_token_hash=status_hash,
            email_hash=email_hash(email) if email else "",
            created_by=actor.name,
            controller_id=controller_id,
        )
        _start_clock(request, received)
        if verification_method:
            request.verified_at = now
            request.verification_method = verification_method
            request.verification_note = verification_note
            request.verified_by = actor.name
        request.save()
        ids = {p.pk for p in named}
        matched = (
            {p.pk for p in persons_by_email(email) if p.controller_id in scope.controller_ids}
            if email
            else set()
        )
        for pid in sorted(ids | matched):
            RequestSubject.objects.create(
                request=request,
                person_id=pid,
                matched_by="staff" if pid in ids else "email",
                confirmed_at=now if pid in ids else None,
                confirmed_by=actor.name if pid in ids else "",
            )
        _audit(actor, request, f"request recorded by staff ({channel})", purpose=purpose)
        notify.send_later(
            to=email,
            lang=request.language,
            template="received",
            context={
                "request": request,
                "status_url": notify.absolute("portal:status", token=status_token),
            },
        )
    return request, status_token


def _request_controller(scope: Scope, chosen: int | None, named: list[Person]) -> int:
    if chosen is not None:
        if chosen not in scope.controller_ids:
            raise RightsError(N_("choose one of your group companies"), field="controller")
        return chosen
    if len(scope.controller_ids) == 1:
        return next(iter(scope.controller_ids))
    companies = {p.controller_id for p in named}
    if len(companies) == 1:
        return companies.pop()
    raise RightsError(N_("choose the group company the request is for"), field="controller")


def request_verify_staff(
    *, scope: Scope, actor: Actor, request: RightsRequest, method: str, note: str = ""
) -> RightsRequest:
    request = _handled(scope, request)
    if method not in VerificationMethod.values:
        raise RightsError(N_("unknown verification method"), field="method")
    with transaction.atomic():
        request.verified_at = timezone.now()
        request.verification_method = method
        request.verification_note = note
        request.verified_by = actor.name
        request.save(
            update_fields=[
                "verified_at",
                "verification_method",
                "verification_note",
                "verified_by",
                "updated_at",
            ]
        )
        _audit(
            actor,
            request,
            "requester identity verified by staff",
            purpose=rights_purpose(scope),
            method=method,
        )
    return request


def request_subjects_confirm(
    *, scope: Scope, actor: Actor, request: RightsRequest, person_ids: list[int]
) -> list[int]:
    """The DPO confirms which matched person records the request concerns; others of their
    group companies are dropped (another company's records are its DPO's to confirm).

    Person ids not yet matched may be added (a duplicate found by search), each one of the
    user's own group companies (RightsError on `person_ids` otherwise, nothing changed).
    """
    request = _handled(scope, request)
    purpose = rights_purpose(scope)
    persons, unknown = persons_in_scope(scope=scope, person_ids=person_ids)
    if unknown:
        raise _not_in_register(unknown)
    for person in persons:
        person_check(scope, person, Operation.VIEW)
    wanted = {p.pk for p in persons}
    now = timezone.now()
    with transaction.atomic():
        mine = request.subjects.filter(person__controller_id__in=scope.controller_ids)
        mine.exclude(person_id__in=wanted).delete()
        existing = set(request.subjects.values_list("person_id", flat=True))
        for pid in sorted(wanted - existing):
            RequestSubject.objects.create(request=request, person_id=pid, matched_by="staff")
        request.subjects.filter(person_id__in=wanted).update(
            confirmed_at=now, confirmed_by=actor.name
        )
        _audit(
            actor, request, "person records confirmed", person_ids=sorted(wanted), purpose=purpose
        )
    return sorted(wanted)


def request_assign(
    *, scope: Scope, actor: Actor, request: RightsRequest, user: Any
) -> RightsRequest:
    """Assign to a user of the same group companies who handles rights requests."""
    from rekisteri.rights.selectors import assignable_users

    request = _handled(scope, request)
    if user not in assignable_users(scope=scope, request=request):
        raise RightsError(N_("choose a user of your group company who handles requests"), "user")
    with transaction.atomic():
        request.assignee = user
        request.save(update_fields=["assignee", "updated_at"])
        _audit(actor, request, "request assigned", purpose=rights_purpose(scope))
    return request


def request_extend(
    *,
    scope: Scope,
    actor: Actor,
    request: RightsRequest,
    months: int,
    reason: str,
    notified_via: str = "email",
    today: date | None = None,
) -> RightsRequest:
    """Art. 12(3): extend by one or two months, with a reason, told within the first month."""
    request = _handled(scope, request)
    today = today or timezone.localdate()
    if request.status != RequestStatus.OPEN or request.due_date is None:
        raise RightsError(N_("only an open request can be extended"))
    if request.extended_due_date is not None:
        raise RightsError(N_("the request has already been extended (at most two months in all)"))
    if today > request.due_date:
        raise RightsError(
            N_(
                "an extension must be told to the person within the first month; "
                "that month ended on %(day)s"
            ),
            field="months",
            day=request.due_date,
        )
    if not (reason or "").strip():
        raise RightsError(N_("give the reason for the extension; the person is told it"), "reason")
    try:
        new_due = extended_due_date(request.due_date, int(months))
    except ValueError as exc:
        raise RightsError(N_("an extension is one or two months (Art. 12(3))"), "months") from exc
    if notified_via == "email" and not request.requester_email:
        raise RightsError(
            N_("there is no email address: tell the person by letter or phone and record that"),
            field="notified_via",
        )
    with transaction.atomic():
        request.extended_due_date = new_due
        request.extension_reason = reason.strip()
        request.extension_notified_at = timezone.now()
        request.extension_notified_via = notified_via
        request.save(
            update_fields=[
                "extended_due_date",
                "extension_reason",
                "extension_notified_at",
                "extension_notified_via",
                "updated_at",
            ]
        )
        _audit(
            actor,
            request,
            "deadline extended (Art. 12(3))",
            purpose=rights_purpose(scope),
            months=int(months),
        )
        if notified_via == "email":
            notify.send_later(
                to=request.requester_email,
                lang=request.language,
                template="extended",
                context={"request": request},
            )
    return request


def request_refuse(
    *, scope: Scope, actor: Actor, request: RightsRequest, reason: str, text: str
) -> RightsRequest:
    """Refuse with a reason, telling the person of the right to complain (Art. 12(4))."""
    request = _handled(scope, request)
    if request.is_closed:
        raise RightsError(N_("the request is already closed"))
    if reason not in RefusalReason.values:
        raise RightsError(N_("choose the ground of refusal"), field="reason")
    if not (text or "").strip():
        raise RightsError(N_("explain the refusal to the person in writing"), field="text")
    with transaction.atomic():
        request.status = RequestStatus.REFUSED
        request.refusal_reason = reason
        request.refusal_text = text.strip()
        request.closed_at = timezone.now()
        request.verify_token_hash = ""
        request.save(
            update_fields=[
                "status",
                "refusal_reason",
                "refusal_text",
                "closed_at",
                "verify_token_hash",
                "updated_at",
            ]
        )
        _audit(actor, request, "request refused", purpose=rights_purpose(scope), refusal=reason)
        notify.send_later(
            to=request.requester_email,
            lang=request.language,
            template="refused",
            context={"request": request},
        )
    return request


def _confirmed_persons(scope: Scope, request: RightsRequest, operation: str) -> list[Person]:
    """The confirmed person records, each one the user may act on for this right.

    A confirmed record of another group company stops the whole request: its DPO (or a DPO
    of both companies) answers for it, and nothing is half done."""
    if request.verified_at is None:
        raise RightsError(
            N_("the requester's identity is not verified: nothing may be released or changed")
        )
    persons = list(
        Person.objects.filter(
            pk__in=request.subjects.filter(confirmed_at__isnull=False).values("person_id")
        ).order_by("pk")
    )
    if not persons:
        raise RightsError(N_("confirm which person records the request concerns first"))
    if any(p.controller_id not in scope.controller_ids for p in persons):
        raise RightsError(
            N_(
                "the request has confirmed person records of another group company; "
                "its data protection officer handles them"
            ),
            field="person_ids",
        )
    for person in persons:
        person_check(scope, person, operation)
    return persons


#: what each kind of request does to the person's data (access.policy)
_OPERATION = {
    RequestKind.ACCESS: Operation.EXPORT,
    RequestKind.PORTABILITY: Operation.EXPORT,
    RequestKind.ERASURE: Operation.DELETE,
    RequestKind.RECTIFICATION: Operation.EDIT,
    RequestKind.RESTRICTION: Operation.VIEW,
    RequestKind.OBJECTION: Operation.VIEW,
}


def _complete(actor: Actor, request: RightsRequest, outcome: str) -> None:
    request.status = RequestStatus.COMPLETED
    request.outcome = outcome
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "outcome", "closed_at", "updated_at"])


def _release(package: Package) -> str:
    token, h = _token()
    package.download_token_hash = h
    package.expires_at = min(package.expires_at, timezone.now() + DOWNLOAD_LINK_LIFETIME)
    package.save(update_fields=["download_token_hash", "expires_at"])
    return token


@dataclass
class Fulfilment:
    request: RightsRequest
    package: Package | None = None
    download_token: str = ""
    recipients: list[dict[str, Any]] | None = None
    erasure: list[Any] | None = None


def request_fulfil(
    *,
    scope: Scope,
    actor: Actor,
    request: RightsRequest,
    restriction_ground: str = "",
    restriction_until: date | None = None,
    objection_upheld: bool | None = None,
    objection_reasons: str = "",
    changes: dict[str, str] | None = None,
    plan_fingerprints: dict[int, str] | None = None,
) -> Fulfilment:
    """Carry out a verified request for its confirmed person records, and close it."""
    request = _handled(scope, request)
    purpose = rights_purpose(scope)
    if request.status != RequestStatus.OPEN:
        raise RightsError(N_("only an open request can be fulfilled"))
    persons = _confirmed_persons(scope, request, _OPERATION[RequestKind(request.kind)])
    ids = [p.pk for p in persons]
    result = Fulfilment(request=request)
    email = request.requester_email
    lang = request.language
    if request.kind == RequestKind.ERASURE:
        # One transaction per person (all-or-nothing each); the request closes after all.
        results = []
        for p in persons:
            plan = None
            if plan_fingerprints and p.pk in plan_fingerprints:
                fresh = erasure_plan(scope=scope, person=p)
                if fresh.fingerprint() != plan_fingerprints[p.pk]:
                    raise ErasureBlocked(
                        N_("The person's data changed after the plan was shown; review it again.")
                    )
                plan = fresh
            results.append(erasure_execute(scope=scope, actor=actor, person=p, plan=plan))
        result.erasure = results
        result.recipients = [r for res in results for r in res.recipients]
        request.refresh_from_db()
        with transaction.atomic():
            kept = sum(r.kept for r in results)
            _complete(actor, request, f"erased; {kept} records kept as the law requires")
            # The request was minimised by the erasure; the outcome must not hold data either.
            _audit(
                actor, request, "erasure carried out", person_ids=ids, purpose=purpose, kept=kept
            )
            notify.send_later(
                to=email,
                lang=lang,
                template="completed",
                context={"request": request, "kept": kept},
            )
        return result
    with transaction.atomic():
        if request.kind == RequestKind.ACCESS:
            package = access_package_create(
                scope=scope, actor=actor, person_ids=ids, lang=lang, request=request
            )
            result.package, result.download_token = package, _release(package)
            outcome = "copy of the data sent"
        elif request.kind == RequestKind.PORTABILITY:
            package = portability_package_create(
                scope=scope, actor=actor, person_ids=ids, request=request
            )
            result.package, result.download_token = package, _release(package)
            outcome = "machine-readable copy sent"
        elif request.kind == RequestKind.RESTRICTION:
            if not restriction_ground.strip():
                raise RightsError(N_("give the ground of the restriction"), field="ground")
            for p in persons:
                restriction_set(
                    scope=scope,
                    actor=actor,
                    person=p,
                    ground=restriction_ground,
                    until=restriction_until,
                    request=request,
                )
            result.recipients = _recipients(ids)
            outcome = "processing restricted"
        elif request.kind == RequestKind.RECTIFICATION:
            data = changes if changes is not None else request.changes
            if not data:
                raise RightsError(N_("no changes to make"), field="changes")
            recipients: list[dict[str, Any]] = []
            for p in persons:
                recipients += rectification_apply(
                    scope=scope, actor=actor, person=p, changes=data, request=request
                )
            result.recipients = recipients
            outcome = "data rectified"
        elif request.kind == RequestKind.OBJECTION:
            outcome = _objection_fulfil(
                scope, actor, request, persons, objection_upheld, objection_reasons
            )
            result.recipients = _recipients(ids)
        else:  # pragma: no cover - kinds are a closed set
            raise RightsError(N_("unknown kind of request"))
        _complete(actor, request, outcome)
        _audit(actor, request, "request fulfilled", person_ids=ids, purpose=purpose)
        notify.send_later(
            to=email,
            lang=lang,
            template="completed",
            context={
                "request": request,
                "download_url": notify.absolute("portal:download", token=result.download_token)
                if result.download_token
                else "",
                "download_days": DOWNLOAD_LINK_LIFETIME.days,
            },
        )
    return result


def _recipients(person_ids: list[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for pid in person_ids:
        out += recipients_to_notify(person_id=pid)
    return out


# --- Rectification (Art. 16, 19) -------------------------------------------------------------


def rectification_apply(
    *,
    scope: Scope,
    actor: Actor,
    person: Person,
    changes: dict[str, str],
    request: RightsRequest | None = None,
) -> list[dict[str, Any]]:
    """Change the person's details with the person as the source; returns the recipients to
    tell (Art. 19). Before and after are sealed in the audit trail by person_update."""
    from rekisteri.register.inputs import InputError
    from rekisteri.register.models import SourceKind
    from rekisteri.register.services import SourceRef, person_update

    person_check(scope, person, Operation.EDIT)
    purpose = rights_purpose(scope)
    src = SourceRef(
        kind=SourceKind.DATA_SUBJECT,
        name=f"rectification request {request.reference}" if request else "rectification",
        purpose=purpose,
    )
    try:
        person_update(
            actor=actor,
            person=person,
            data=dict(changes),
            scope=scope,
            purpose=purpose,
            source=src,
            reason="rectification (Art. 16)",
        )
    except InputError as exc:
        from rekisteri.register.forms import error_text

        raise RightsError(
            N_("the changes are not valid: %(errors)s"),
            field="changes",
            errors=error_text(exc.errors),
        ) from exc
    return recipients_to_notify(person_id=person.pk)


# --- Restriction (Art. 18) ---------------------------------------------------------------------


def restriction_set(
    *,
    scope: Scope,
    actor: Actor,
    person: Person,
    ground: str,
    until: date | None = None,
    request: RightsRequest | None = None,
) -> Restriction:
    """Restrict processing: the person's data is only stored from now on (the only writer)."""
    person_check(scope, person, Operation.VIEW)
    purpose = rights_purpose(scope)
    if not (ground or "").strip():
        raise RightsError(N_("give the ground of the restriction (Art. 18(1))"), field="ground")
    now = timezone.now()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        Restriction.objects.filter(person=person, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=actor.name
        )
        restriction = Restriction.objects.create(
            person=person,
            request=request,
            ground=ground.strip()[:255],
            until=until,
            set_at=now,
            set_by=actor.name,
        )
        person.restricted_since = person.restricted_since or now
        person.restriction_ground = ground.strip()[:255]
        person.save(update_fields=["restricted_since", "restriction_ground", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.RESTRICTION,
            person_id=person.pk,
            record=record_key(person),
            categories=[RESTRICTION_CATEGORY],
            purpose=purpose,
            reason="processing restricted (Art. 18)",
            detail={"until": until.isoformat() if until else None},
        )
    return restriction


def restriction_lift(
    *, scope: Scope, actor: Actor, person: Person, notify_person: bool = True
) -> bool:
    """Lift the restriction; the person is told (Art. 18(3)). Returns False if none was set."""
    person_check(scope, person, Operation.VIEW)
    purpose = rights_purpose(scope)
    now = timezone.now()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.restricted_since is None:
            return False
        Restriction.objects.filter(person=person, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=actor.name
        )
        person.restricted_since = None
        person.restriction_ground = ""
        person.save(update_fields=["restricted_since", "restriction_ground", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.RESTRICTION,
            person_id=person.pk,
            record=record_key(person),
            categories=[RESTRICTION_CATEGORY],
            purpose=purpose,
            reason="restriction lifted (Art. 18(3))",
        )
        if notify_person:
            notify.send_later(
                to=_primary_email(person),
                lang=person.language,
                template="restriction_lifted",
                context={"person": person},
            )
    return True


def restrictions_lift_due(*, scope: Scope, actor: Actor, today: date | None = None) -> int:
    """Lift the restrictions whose period ended (background work: a system scope)."""
    from rekisteri.rights.selectors import restrictions_due

    count = 0
    for r in restrictions_due(today=today).filter(person__controller_id__in=scope.controller_ids):
        if restriction_lift(scope=scope, actor=actor, person=r.person):
            count += 1
    return count


# --- Objection (Art. 21) ---------------------------------------------------------------------


def absolute_objection_purposes() -> list[str]:
    """Direct marketing and profiling for it: objection stops them at once, always."""
    snap = catalogue_snapshot()
    return sorted(
        code
        for code, p in snap.purposes.items()
        if p.objection == Objection.ABSOLUTE or p.direct_marketing
    )


def balancing_objection_purposes() -> list[str]:
    snap = catalogue_snapshot()
    return sorted(
        code
        for code, p in snap.purposes.items()
        if p.legal_basis in (LegalBasis.LEGITIMATE_INTEREST, LegalBasis.PUBLIC_TASK)
        and code not in absolute_objection_purposes()
    )


def objection_marketing(
    *,
    scope: Scope,
    actor: Actor,
    person: Person,
    source: str = "rights_request",
    request: RightsRequest | None = None,
) -> None:
    """Art. 21(2)–(3): direct marketing and profiling stop at once, in every group company."""
    person_check(scope, person, Operation.VIEW)
    purpose = rights_purpose(scope)
    now = timezone.now()
    with transaction.atomic():
        marketing_objection_record(scope=scope, actor=actor, person=person, source=source)
        for purpose in absolute_objection_purposes():
            ObjectionDecision.objects.create(
                person=person,
                request=request,
                purpose=purpose,
                upheld=True,
                reasons="Art. 21(3): an objection to direct marketing is always upheld.",
                decided_at=now,
                decided_by=actor.name,
            )
        audit_record(
            actor=actor,
            action=AuditAction.RIGHTS,
            person_id=person.pk,
            record=record_key(person),
            categories=[RESTRICTION_CATEGORY, OBJECTION_CATEGORY],
            purpose=purpose,
            reason="objection to direct marketing recorded (Art. 21(3))",
        )


def objection_decide(
    *,
    scope: Scope,
    actor: Actor,
    person: Person,
    purpose: str,
    upheld: bool,
    reasons: str,
    request: RightsRequest | None = None,
) -> ObjectionDecision:
    """Art. 21(1): the DPO weighs the person's situation; upheld means that purpose stops."""
    person_check(scope, person, Operation.VIEW)
    work = rights_purpose(scope)
    if purpose not in catalogue_snapshot().purposes:
        raise RightsError(N_("unknown purpose"), field="purpose")
    if not (reasons or "").strip():
        raise RightsError(N_("write the reasons of the decision"), field="reasons")
    with transaction.atomic():
        decision = ObjectionDecision.objects.create(
            person=person,
            request=request,
            purpose=purpose,
            upheld=bool(upheld),
            reasons=reasons.strip(),
            decided_at=timezone.now(),
            decided_by=actor.name,
        )
        audit_record(
            actor=actor,
            action=AuditAction.RIGHTS,
            person_id=person.pk,
            record=record_key(person),
            categories=[category_of(ObjectionDecision, "reasons")],
            purpose=work,
            reason="objection decided (Art. 21(1))",
            detail={"purpose": purpose, "upheld": bool(upheld)},
        )
    return decision


def _objection_fulfil(
    scope: Scope,
    actor: Actor,
    request: RightsRequest,
    persons: list[Person],
    upheld: bool | None,
    reasons: str,
) -> str:
    # An objection that names no purpose is one to direct marketing (Art. 21(2)), whatever
    # the catalogue calls the purposes that do it.
    purpose = request.objection_purpose
    if not purpose or purpose in absolute_objection_purposes():
        # "Across group companies": every confirmed record, and consent's own group-wide rule.
        for p in persons:
            objection_marketing(scope=scope, actor=actor, person=p, request=request)
        return "direct marketing and profiling stopped"
    if upheld is None:
        raise RightsError(N_("decide whether the objection is upheld"), field="upheld")
    for p in persons:
        objection_decide(
            scope=scope,
            actor=actor,
            person=p,
            purpose=purpose,
            upheld=upheld,
            reasons=reasons,
            request=request,
        )
    return ("objection upheld: " if upheld else "objection not upheld: ") + reasons.strip()


# --- Package downloads ------------------------------------------------------------------------


def package_for_download(
    *, token: str, ip: str | None = None, package: Package | None = None
) -> Package | None:
    """The package behind a download link (or a status link's package), if not expired.

    `package` is given by the status page, whose own secret link already identified it.
    """
    if not token and package is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        qs = Package.objects.select_for_update().exclude(download_token_hash="")
        if package is not None:
            package = qs.filter(pk=package.pk).first()
        else:
            package = qs.filter(download_token_hash=token_hash(token)).first()
        if package is None or package.expires_at < now:
            return None
        package.downloaded_at = now
        package.save(update_fields=["downloaded_at"])
        ids = list(package.persons.values_list("pk", flat=True))
        purpose = _public_purpose()
        audit_record(
            actor=Actor("public", ip=ip, purpose=purpose),
            action=AuditAction.EXPORT,
            person_id=ids[0] if len(ids) == 1 else None,
            person_ids=ids,
            record=f"rights.Package:{package.pk}",
            purpose=purpose,
            reason="package downloaded by the person",
        )
    return package
