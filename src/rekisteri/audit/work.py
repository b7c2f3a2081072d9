"""What a piece of work states about itself in the audit trail: who (a user's scope, or an
explicit system scope), for which purpose, and which data categories.

- Background work (the retention sweep, lifting restrictions whose period ended, the
  `rekisteri rights` command) runs under `system_scope(reason, …)`: a scope over every group
  company holding only the capabilities the work needs, whose reason is written to the
  audit trail when it is opened. No service has a "no scope, no checks" path.
- `work_purpose(scope, capability)` is the purpose recorded for work of a capability: the
  user's purposes that cover it, as the catalogue binds them, stated by the one function
  `access.purpose.access_purpose` (all of them when several do). No purpose name is
  written in code.
- A field's data category comes from the field map through
  `access.selectors.category_of(model, field)`, so that code names fields, never categories.

`system_scope` here is `access.selectors.system_scope` narrowed to the capabilities the
work needs, with its opening recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.db import transaction

from rekisteri.access.capabilities import CAPABILITIES
from rekisteri.access.policy import capability_off_refusal, capability_refusal
from rekisteri.access.purpose import access_purpose
from rekisteri.access.selectors import NOBODY, Scope
from rekisteri.access.selectors import system_scope as access_system_scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.selectors import catalogue_snapshot


def system_scope(reason: str, *, actor: str = "", capabilities: Iterable[str]) -> Scope:
    """`access.selectors.system_scope` holding exactly `capabilities`, for background work
    that names its actor (the retention sweep, `rekisteri rights`, …).

    Opening it writes an audit event with the reason, so that every later event of the
    same actor can be traced to why the work ran."""
    caps = frozenset(capabilities)
    unknown = sorted(caps - set(CAPABILITIES))
    if unknown:
        raise LookupError(f"unknown capabilities {unknown}")
    scope = access_system_scope(reason, *sorted(caps))
    scope = replace(scope, username=actor or scope.username, capabilities=caps)
    with transaction.atomic():
        audit_record(
            actor=Actor(scope.username),
            action=AuditAction.ADMIN,
            reason=f"system work: {scope.system_reason}",
            detail={"capabilities": sorted(caps)},
        )
    return scope


def work_purpose(scope: Scope, capability: str, categories: Iterable[str] = ()) -> str:
    """The purpose to record for this scope's work of a capability on data of `categories`:
    the scope's purposes that cover the capability and every one of the categories, as
    `access.purpose.access_purpose` states them (refused when none does)."""
    if not scope.can(capability):
        raise capability_refusal(capability)
    return access_purpose(scope, categories, capability=capability)


def catalogue_purpose(capability: str) -> str:
    """The purpose of work that no staff user does (the person's own requests on the public
    pages): the catalogue's purposes that cover the capability."""
    snap = catalogue_snapshot()
    if not snap.purposes_with_capability(capability):
        raise capability_off_refusal(capability)
    return access_purpose(NOBODY, (), capability=capability, purposes=snap.purposes)
