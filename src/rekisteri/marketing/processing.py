"""What marketing's processing is for, what it touches, and who does it without a user.

- **Purposes come from the catalogue.** The purpose an audit event records is the set of
  purposes that cover the capability the work used and the categories it touched
  (`access.purpose.access_purpose`); no purpose code is written here. When no purpose of
  the loaded catalogue covers the capability at all, the work is off and is refused with
  that reason (fail closed), before anything is written.
- **Categories come from the field map** (`common.personal`): `category_of(
  "register.ContactPoint.value")` is the category that field is declared with.
- **Work without a user has a system scope.** The campaign worker, reading bounces, the
  demo data and the links a person follows in a message act with `system_scope(reason,
  *capabilities)`: every group company, and exactly the catalogue's purposes that cover the
  named capabilities. Its actor (`system_actor`) carries the reason, so every audit event
  the work causes — here or in the services it calls — says why it happened.

- **What a scope allows** (`require`, `require_own`, `check_person`): services check it
  themselves, since commands and other apps call them without the gate.

`system_scope` is `rekisteri.access.selectors.system_scope`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from rekisteri.access.policy import (
    Operation,
    ProcessingRefused,
    capability_off_refusal,
    capability_refusal,
    check_processing,
    restriction_refusal,
)
from rekisteri.access.purpose import access_purpose
from rekisteri.access.selectors import (
    Scope,
    system_scope,  # noqa: F401  (re-exported for marketing)
)
from rekisteri.access.selectors import category_of as field_category_of
from rekisteri.audit.services import Actor
from rekisteri.catalogue.models import LegalBasis
from rekisteri.catalogue.selectors import Snapshot, catalogue_snapshot

SYSTEM_USER = "system"


# --- categories: the field map ------------------------------------------------------------


@cache
def category_of(label: str) -> str:
    """`access.selectors.category_of` of a field ("app.Model.field") or of a model's rows
    ("app.Model"), named by its label."""
    app_label, model_name, *field = label.split(".")
    return field_category_of(apps.get_model(app_label, model_name), *field)


def categories_of(*labels: str) -> list[str]:
    return sorted({category_of(label) for label in labels})


# --- what the scope allows ----------------------------------------------------------------


def require(scope: Scope, capability: str) -> None:
    """Refuse work the scope's purposes do not cover (the gate checked the view already;
    services are called from commands and other apps too)."""
    if not scope.can(capability):
        raise capability_refusal(capability)


def require_own(scope: Scope, controller_id: int) -> None:
    """Lists, segments and campaigns are the business of their own group company only."""
    if controller_id not in scope.controller_ids:
        raise ProcessingRefused(
            _("This belongs to another group company than yours."), code="controller"
        )


def check_person(scope: Scope, person: Any) -> None:
    """May this person's data be used for marketing in this scope? A user: the shared
    check (group company, restriction, Art. 18). System work: the person's group company
    is one of the scope's, and the person is not restricted."""
    if scope.is_system:
        require_own(scope, person.controller_id)
        if person.restricted_since is not None:
            raise restriction_refusal()
        return
    check_processing(scope, person, Operation.MARKETING)


# --- purposes: the catalogue --------------------------------------------------------------


def _snapshot(version_id: int | None) -> Snapshot:
    """The catalogue version given (None: the loaded one); none loaded is an error."""
    snap = catalogue_snapshot(version_id)
    if not snap.version_id:
        raise ProcessingRefused(_("No processing catalogue is loaded."), code="catalogue")
    return snap


def purpose_of(scope: Scope, capability: str, categories: Iterable[str] = ()) -> str:
    """The purpose(s) work with `capability` on `categories` is done for, for the audit
    trail: the scope's purposes covering both. Refuses when none does."""
    if not _snapshot(scope.catalogue_version).purposes_with_capability(capability):
        raise capability_off_refusal(capability)
    return access_purpose(scope, categories, capability=capability)


def service_purpose(categories: Iterable[str]) -> str:
    """The purpose(s) of a service message (a contract, price or service notice): the
    catalogue's purposes that rest on a contract and cover the categories the message uses.
    Whoever presses send, the message is sent under the customer relationship."""
    snap = _snapshot(None)
    needed = frozenset(categories)
    covering = [
        p.code
        for p in snap.purposes.values()
        if p.legal_basis == LegalBasis.CONTRACT and needed <= p.categories
    ]
    if not covering:
        raise ProcessingRefused(
            _(
                "Service messages are off: no purpose in the processing catalogue rests on a "
                "contract and covers the customer's contact details."
            ),
            code="capability_off",
        )
    return ",".join(covering)[:64]


# --- work without a user ------------------------------------------------------------------


def system_actor(scope: Scope, *, ip: str | None = None, purpose: str = "") -> Actor:
    """The actor of system work: its reason is the name every audit event records.
    `purpose`: what events that state none are recorded for (see `purpose_of`)."""
    reason = scope.system_reason
    if not reason:
        raise ValueError("not a system scope")
    return Actor(f"{SYSTEM_USER}: {reason}", ip=ip, purpose=purpose)
