"""The shared refusal mechanism: group companies, purposes, categories and restriction.

Every service that processes a person's data calls `check_processing` first, before it
reads or writes anything; views and API endpoints do not check this themselves, they call
services and selectors that do. A refusal is a `ProcessingRefused` whose `reason` can be
shown to the user (it names no person and no value); common.middleware turns one that
reaches a view into a 403 page with that reason, and the API into a 403 JSON answer.

Restriction (GDPR Art. 18): a restricted person's data is only stored. Looking at the record
stays possible (so that staff see the marker and do not re-collect the data), the DPO may
do their own work (view, export for an access request, rectify, erase, reveal), and
everything else is refused here: edits, exports, marketing, disclosures, deletion by staff.
Bulk work (campaigns, exports, segments) leaves restricted persons out with
`exclude_restricted`, which also says how many were left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rekisteri.access.capabilities import capability_label
from rekisteri.access.selectors import Scope, person_categories, person_visible


class ProcessingRefused(PermissionError):
    """Refused with a reason that can be shown to the user (no personal data in it)."""

    def __init__(self, reason: str, code: str = "refused") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class Operation:
    STORE = "store"
    VIEW = "view"
    EDIT = "edit"
    EXPORT = "export"
    MARKETING = "send_marketing"
    DISCLOSE = "disclose"
    DELETE = "delete"
    REVEAL = "reveal"


#: what the DPO may still do with a restricted person's data: their own work on requests
DPO_ON_RESTRICTED = frozenset(
    {Operation.VIEW, Operation.EXPORT, Operation.EDIT, Operation.DELETE, Operation.REVEAL}
)
#: operations that change the record: only on the own group company's records
WRITES = frozenset({Operation.EDIT, Operation.DELETE})


def capability_refusal(capability: str) -> ProcessingRefused:
    """The user's purposes do not cover this capability (the gate's 403, and services')."""
    return ProcessingRefused(
        str(_("Your role's purposes do not cover “%(what)s”."))
        % {"what": capability_label(capability)},
        code="capability",
    )


def capability_off_refusal(capability: str) -> ProcessingRefused:
    """No purpose of the loaded catalogue covers this capability: the feature is off."""
    return ProcessingRefused(
        str(_("This feature is off: no purpose in the processing catalogue covers “%(what)s”."))
        % {"what": capability_label(capability)},
        code="capability_off",
    )


def restriction_refusal() -> ProcessingRefused:
    return ProcessingRefused(
        str(
            _(
                "The processing of this person's data is restricted (GDPR Art. 18): "
                "it is only stored."
            )
        ),
        code="restricted",
    )


def shared_refusal() -> ProcessingRefused:
    """A change asked of a person another group company shares with the user: read-only."""
    return ProcessingRefused(
        str(
            _(
                "This person's record belongs to another group company; it is shared "
                "with you for reading only."
            )
        ),
        code="controller",
    )


def check_processing(
    scope: Scope,
    person: Any,
    operation: str,
    *,
    categories: Iterable[str] | None = None,
    purpose: str | None = None,
) -> None:
    """Refuse (raise ProcessingRefused) unless this user may do `operation` on this person.

    `categories`: the data categories the operation touches; each must be visible to the
    user on this person. `purpose`: the catalogue purpose the operation is done for; it must
    be one of the user's.
    """
    if operation == Operation.STORE:
        return
    if not person_visible(scope, person):
        raise ProcessingRefused(
            str(_("This person is not in the register of your group company.")),
            code="controller",
        )
    if person.restricted_since is not None:
        allowed = DPO_ON_RESTRICTED if scope.is_dpo else frozenset({Operation.VIEW})
        if operation not in allowed:
            raise restriction_refusal()
    if operation in WRITES and person.controller_id not in scope.controller_ids:
        raise shared_refusal()
    if purpose is not None and purpose not in scope.purposes:
        raise ProcessingRefused(
            str(_("Your role does not serve the purpose %(purpose)s.")) % {"purpose": purpose},
            code="purpose",
        )
    if purpose is not None and purpose in _objected_purposes(person):
        raise ProcessingRefused(
            str(
                _(
                    "The person objected to processing for %(purpose)s and the objection "
                    "was upheld (GDPR Art. 21)."
                )
            )
            % {"purpose": purpose},
            code="objected",
        )
    if categories is not None:
        missing = set(categories) - set(person_categories(scope, person))
        if missing:
            raise ProcessingRefused(
                str(_("Your role's purposes do not cover these data categories: %(cats)s"))
                % {"cats": ", ".join(sorted(missing))},
                code="category",
            )


def _objected_purposes(person: Any) -> set[str]:
    """Art. 21: purposes whose processing stopped after an upheld objection (rekisteri.rights)."""
    from rekisteri.rights.selectors import objected_purposes

    return objected_purposes(person_id=person.pk)


class Excluded(NamedTuple):
    queryset: QuerySet
    excluded: int


def exclude_restricted(qs: QuerySet, *, path: str | None = None) -> Excluded:
    """Leave restricted persons out of bulk processing (campaigns, exports, segments).

    Works on a queryset of Person or of any PersonalData model (`path` defaults to its
    subject_path). Returns the remaining queryset and how many rows were left out, so the
    caller can report "N persons left out: processing restricted".
    """
    if path is None:
        path = getattr(qs.model, "subject_path", None)
        if path is None:
            raise ValueError(f"{qs.model._meta.label} has no subject_path; pass path=")
    key = f"{path}__restricted_since__isnull" if path else "restricted_since__isnull"
    excluded = qs.filter(**{key: False}).count()
    return Excluded(qs.filter(**{key: True}), excluded)
