"""Making a disclosure: the only writer of the disclosure log.

A disclosure goes only to a recipient that the catalogue (and so the privacy notice) names,
only with data categories that a purpose naming that recipient covers, and never of a
person whose processing is restricted (Art. 18): the whole disclosure is refused then, so
nothing is half-given. Each person's part is in the audit trail in the same transaction.

Only persons of the user's own group companies: another company's person (shared with the
user or not) is its own company's to disclose, and reads here exactly like a person that
does not exist. The scope is required; background work passes a system scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, check_processing
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.disclosures.models import DisclosedPerson, Disclosure, DisclosureBasis
from rekisteri.register.models import Person


class DisclosureError(ValueError):
    """Bad input; `field` names the input that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def recipient_categories(recipient_code: str) -> set[str]:
    """The categories the catalogue lets go to this recipient: those of its purposes."""
    snap = catalogue_snapshot()
    out: set[str] = set()
    for purpose in snap.purposes.values():
        if recipient_code in purpose.recipients:
            out |= purpose.categories
    return out


def disclosure_record(
    *,
    scope: Scope,
    actor: Any,
    person_ids: Iterable[int],
    recipient_code: str,
    categories: Iterable[str],
    basis: str,
    reason: str,
    request_ref: str = "",
    at: Any = None,
) -> Disclosure:
    """Record that the listed persons' data in `categories` went to `recipient_code`."""
    purpose = work_purpose(scope, Cap.LOG_DISCLOSURES)
    snap = catalogue_snapshot()
    recipient = snap.recipients.get(recipient_code)
    if recipient is None:
        raise DisclosureError(
            "recipient_code",
            _("%(code)s is not a recipient in the catalogue; the privacy notice does not name it.")
            % {"code": recipient_code},
        )
    categories = sorted(set(categories))
    if not categories:
        raise DisclosureError("categories", _("name at least one data category"))
    unknown = [c for c in categories if c not in snap.categories]
    if unknown:
        raise DisclosureError(
            "categories", _("unknown data categories: %(c)s") % {"c": ", ".join(unknown)}
        )
    allowed = recipient_categories(recipient_code)
    outside = [c for c in categories if c not in allowed]
    if outside:
        raise DisclosureError(
            "categories",
            _(
                "no purpose in the catalogue gives %(cats)s to %(code)s; change the catalogue "
                "(and so the privacy notice) first"
            )
            % {"cats": ", ".join(outside), "code": recipient_code},
        )
    if basis not in DisclosureBasis.values:
        raise DisclosureError("basis", _("%(b)s is not a basis for disclosure") % {"b": basis})
    reason = (reason or "").strip()
    if not reason:
        raise DisclosureError("reason", _("say why the data is disclosed"))
    ids = sorted({int(i) for i in person_ids})
    if not ids:
        raise DisclosureError("person_ids", _("name at least one person"))
    audit_actor = actor_of(actor)
    with transaction.atomic():
        persons = list(
            Person.objects.filter(
                pk__in=ids, controller_id__in=scope.controller_ids
            ).select_for_update()
        )
        found = {p.pk for p in persons}
        missing = [i for i in ids if i not in found]
        if missing:
            raise DisclosureError(
                "person_ids",
                _("no person with id %(ids)s in the register of your group company")
                % {"ids": ", ".join(map(str, missing))},
            )
        for person in persons:
            check_processing(scope, person, Operation.DISCLOSE, categories=categories)
        controllers = {p.controller_id for p in persons}
        disclosure = Disclosure.objects.create(
            controller_id=controllers.pop() if len(controllers) == 1 else None,
            recipient_code=recipient_code,
            recipient_name=dict(recipient.name),
            recipient_country=recipient.country,
            categories=categories,
            basis=basis,
            reason=reason[:500],
            request_ref=request_ref[:120],
            at=at or timezone.now(),
            made_by=audit_actor.name[:150],
            person_count=len(persons),
        )
        DisclosedPerson.objects.bulk_create(
            [DisclosedPerson(disclosure=disclosure, person=p) for p in persons]
        )
        for person in persons:
            audit_record(
                actor=audit_actor,
                action=AuditAction.DISCLOSURE,
                person_id=person.pk,
                record=f"disclosures.Disclosure:{disclosure.pk}",
                categories=categories,
                purpose=purpose,
                reason=f"disclosed to {recipient_code} ({basis})",
                detail={"disclosure": disclosure.pk, "persons": len(persons)},
            )
    return disclosure
