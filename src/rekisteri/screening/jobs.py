"""The worker's screening jobs (jobs.registry): screening the persons and organisations
that the register and the import queued, and re-screening everyone when a list changed.

Both run under a system scope holding only the screening capability, whose reason is in
the audit trail. Nothing runs when the catalogue has no purpose covering screening or no
list is loaded (there is nothing to compare with, so no data is read).
"""

from __future__ import annotations

from rekisteri.access.capabilities import Cap
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.screening.services import (
    lists_changed,
    rescreen,
    screen_organisations,
    screen_persons,
    screening_on,
)
from rekisteri.watchlists.selectors import current_versions

ACTOR = "worker"


def _ready() -> bool:
    return screening_on() and bool(current_versions())


def screen_subjects(
    *, person_ids: list[int] | None = None, organization_ids: list[int] | None = None
) -> None:
    """Screen the persons and organisations that were created, imported or changed."""
    if not _ready() or not (person_ids or organization_ids):
        return
    scope = system_scope(
        "screening new or changed persons and organisations, queued by the register",
        actor=ACTOR,
        capabilities=[Cap.SCREEN_CUSTOMERS],
    )
    if person_ids:
        screen_persons(scope=scope, actor=Actor(ACTOR), person_ids=person_ids)
    if organization_ids:
        screen_organisations(scope=scope, actor=Actor(ACTOR), organization_ids=organization_ids)


def rescreen_when_lists_changed() -> None:
    """Screen everyone again when a current list version changed since the last run."""
    if not _ready() or not lists_changed():
        return
    scope = system_scope(
        "re-screening everyone after a list changed, run by the worker's schedule",
        actor=ACTOR,
        capabilities=[Cap.SCREEN_CUSTOMERS],
    )
    rescreen(scope=scope, actor=Actor(ACTOR))
