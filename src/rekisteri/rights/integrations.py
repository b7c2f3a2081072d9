"""Calls into other apps' agreed interfaces, guarded while those apps are being built.

Each function imports its target lazily; when the target is not there yet it returns the
neutral answer (no disclosures, no holds…). `missing()` names what was not available, so the
access package and the erasure plan can say so instead of silently claiming "none".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from importlib import import_module
from typing import Any

log = logging.getLogger(__name__)

_missing: set[str] = set()


def _get(module: str, name: str) -> Callable[..., Any] | None:
    try:
        mod = import_module(module)
    except ModuleNotFoundError as exc:
        # Only "the app or module is not there yet"; a broken import inside it must show.
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            _missing.add(f"{module}.{name}")
            return None
        raise
    fn = getattr(mod, name, None)
    if fn is None:
        _missing.add(f"{module}.{name}")
    return fn


def missing() -> set[str]:
    return set(_missing)


def audit_access_log(*, person_id: int) -> list[dict[str, Any]]:
    fn = _get("rekisteri.audit.selectors", "audit_access_log_for_package")
    if fn is not None:
        return list(fn(person_id=person_id))
    # Fallback on the audit trail itself: the events that touched this person.
    from rekisteri.audit.selectors import audit_events_for_person

    return [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "purpose": e.purpose,
            "categories": list(e.categories),
        }
        for e in audit_events_for_person(person_id=person_id)
    ]


def disclosures_for_person(*, person_id: int) -> list[dict[str, Any]]:
    fn = _get("rekisteri.disclosures.selectors", "disclosures_for_person")
    return list(fn(person_id=person_id)) if fn else []


def recipients_to_notify(*, person_id: int) -> list[dict[str, Any]]:
    fn = _get("rekisteri.disclosures.selectors", "recipients_to_notify")
    return list(fn(person_id=person_id)) if fn else []


def segments_for_person(*, person_id: int) -> list[dict[str, Any]]:
    fn = _get("rekisteri.marketing.selectors", "segments_for_person")
    return list(fn(person_id=person_id)) if fn else []


def retention_end(*, category: str, person_id: int, record: Any = None) -> date | None | str:
    """The retention end, None (no fixed end yet), or "unknown" when retention is not there."""
    fn = _get("rekisteri.retention.selectors", "retention_end")
    if fn is None:
        return "unknown"
    try:
        return fn(category=category, person_id=person_id, record=record)
    except Exception:  # one bad rule must not stop an Art. 15 answer; the DPO sees "unknown"
        log.exception("retention_end failed for category %s", category)
        return "unknown"


def retention_ends(*, categories: list[str], person_id: int) -> dict[str, date | None | str]:
    """retention_end of several categories of one person, the shared look-ups made once."""
    fn = _get("rekisteri.retention.selectors", "retention_ends")
    if fn is not None:
        try:
            return dict(fn(categories=categories, person_id=person_id))
        except Exception:  # answer category by category: only the bad rule says "unknown"
            log.exception("retention_ends failed; falling back to one category at a time")
    return {c: retention_end(category=c, person_id=person_id) for c in categories}


def legal_holds_for(*, person_id: int) -> list[dict[str, Any]]:
    """Active legal holds; a record-scope hold carries "record" ("app.Model:pk")."""
    fn = _get("rekisteri.retention.selectors", "legal_holds_for")
    if fn is None:
        return []
    holds = [dict(h) for h in fn(person_id=person_id)]
    need = [h["id"] for h in holds if h.get("scope") == "record" and not h.get("record")]
    if need:
        from rekisteri.retention.models import LegalHold

        records = dict(LegalHold.objects.filter(pk__in=need).values_list("pk", "record"))
        for h in holds:
            if h.get("id") in records:
                h["record"] = records[h["id"]]
    return holds


def suppression_add(*, actor: Any, email: str | None = None, phone: str | None = None) -> bool:
    fn = _get("rekisteri.consent.services", "suppression_add")
    if fn is None:
        return False
    from rekisteri.access.selectors import system_scope

    fn(actor=actor, email=email, phone=phone, reason="erasure", scope=system_scope("erasure"))
    return True


def marketing_objection_record(
    *, actor: Any, person: Any, source: str, channel: str | None = None
) -> bool:
    fn = _get("rekisteri.consent.services", "marketing_objection_record")
    if fn is None:
        return False
    from rekisteri.access.selectors import system_scope

    scope = system_scope("objection to direct marketing (Art. 21)")
    fn(actor=actor, person=person, source=source, channel=channel, scope=scope)
    return True


def orphan_files_remove() -> int:
    fn = _get("rekisteri.interactions.files", "orphan_files_remove")
    return int(fn() or 0) if fn else 0


def notice_url() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("notice:public_notice")
    except NoReverseMatch:
        return "/privacy/"
