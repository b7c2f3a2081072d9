"""Writes of the access app: revealing an identity code, sharing a person within the group.

Both are processing of a person's data, so both pass `check_processing` and write their
audit event in the same transaction. Both take the scope they are done in, never optional:
a staff user's, or `selectors.system_scope(reason)` for a command run by an operator.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.models import GroupShare
from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
from rekisteri.access.purpose import access_purpose
from rekisteri.access.selectors import Scope, category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.crypto import decrypt_field
from rekisteri.register.inputs import InputError
from rekisteri.register.models import Controller, IdentityCode, Person, record_key

REVEAL_REASON_MIN = 10


@dataclass(frozen=True)
class RevealedCode:
    country: str
    code: str


def identity_code_reveal(
    *, scope: Scope, actor: Actor, person: Person, reason: str
) -> list[RevealedCode]:
    """The person's identity codes in clear, for a user whose role may reveal them.

    The reason is required; it is kept in the audit event sealed with the person's key (a
    reason may name the person), so the DPO can read it until the person is erased.
    """
    if not scope.can_reveal:
        raise ProcessingRefused(
            _("Your role may not reveal personal identity codes."), code="reveal"
        )
    reason = (reason or "").strip()
    if len(reason) < REVEAL_REASON_MIN:
        raise InputError(
            {
                "reason": _("Say why you need the identity code (at least %(n)d characters).")
                % {"n": REVEAL_REASON_MIN}
            }
        )
    category = category_of(IdentityCode, "encrypted")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        check_processing(scope, person, Operation.REVEAL, categories=[category])
        codes = list(IdentityCode.objects.filter(person=person).order_by("country"))
        revealed = [RevealedCode(c.country, decrypt_field(c.encrypted)) for c in codes]
        audit_record(
            actor=actor,
            action=AuditAction.REVEAL,
            person_id=person.pk,
            record=record_key(codes[0]) if codes else record_key(person),
            categories=[category],
            fields=["IdentityCode.encrypted"],
            purpose=access_purpose(scope, [category], capability=Cap.REVEAL_IDENTITY_CODES),
            reason="identity code revealed on request; the reason is sealed",
            detail=scope.audit_detail(codes=len(codes)),
            sealed={"reason": reason},
        )
    return revealed


def shareable_purposes() -> list[str]:
    """The catalogue's purposes under which a record may be shared within the group."""
    return sorted(
        code for code, p in catalogue_snapshot().purposes.items() if p.shared_within_group
    )


def _shareable(purpose: str) -> None:
    info = catalogue_snapshot().purposes.get(purpose)
    if info is None or not info.shared_within_group:
        raise ProcessingRefused(
            _("The catalogue does not share data within the group for this purpose."),
            code="purpose",
        )


def group_share_create(
    *,
    actor: Actor,
    person: Person,
    controller: Controller,
    purpose: str,
    scope: Scope,
) -> GroupShare:
    """Share one person's record with another group company under one shared purpose.

    This is a disclosure within the group (audited as such); the receiving company's staff
    then see the categories of that purpose, read-only. Needs a scope that may share
    (`Cap.SHARE_WITHIN_GROUP`), holds the purpose and keeps the record; never a restricted
    person.
    """
    _shareable(purpose)
    if not scope.can(Cap.SHARE_WITHIN_GROUP):
        raise ProcessingRefused(
            _("Your role's purposes do not cover sharing within the group."), code="capability"
        )
    if controller.pk == person.controller_id:
        raise InputError({"controller": _("The record already belongs to this group company.")})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        check_processing(scope, person, Operation.DISCLOSE, purpose=purpose)
        if person.controller_id not in scope.controller_ids:
            raise ProcessingRefused(
                _("Only the group company that keeps the record may share it."),
                code="controller",
            )
        share, created = GroupShare.objects.get_or_create(
            person=person,
            controller=controller,
            purpose=purpose,
            defaults={"shared_at": timezone.now(), "shared_by": actor.name},
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.DISCLOSURE,
                person_id=person.pk,
                record=record_key(share),
                categories=sorted(catalogue_snapshot().purposes[purpose].categories),
                purpose=purpose,
                reason="shared within the group",
                detail=scope.audit_detail(recipient="group_company", controller=controller.code),
            )
    return share


def group_share_revoke(*, actor: Actor, share: GroupShare, scope: Scope) -> None:
    """End a share: the other group company no longer sees the person."""
    with transaction.atomic():
        if not scope.is_staff or share.person.controller_id not in scope.controller_ids:
            raise ProcessingRefused(
                _("Only the group company that keeps the record may end its sharing."),
                code="controller",
            )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            person_id=share.person_id,
            record=record_key(share),
            purpose=share.purpose,
            reason="sharing within the group ended",
            detail=scope.audit_detail(controller=share.controller.code),
        )
        share.delete()
