"""Retention routes in the permission matrix (see rekisteri.testing.matrix)."""

from __future__ import annotations

from typing import Any

from rekisteri.testing.matrix import Case, World


def _hold(w: World, owner: str) -> dict[str, Any]:
    def make() -> int:
        from rekisteri.retention.tests.sweeping import place_hold

        person = w.person(owner)
        return place_hold(actor=w.actor, person=person, reason="matrix test").pk

    return {"hold_id": w.once(f"hold-{owner}", make)}


CASES = {
    "retention:status": Case(),
    "retention:holds": Case(),
    # A hold belongs to the company that placed it: never released by another one.
    "retention:hold_release": Case(kwargs=_hold, method="POST", shared="refused"),
    "retention:review": Case(),
    "retention:review_decide": Case(method="POST"),
}
