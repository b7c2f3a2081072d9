"""Who may reach the retention pages (see rekisteri.access.matrix)."""

from __future__ import annotations

from typing import Any

from rekisteri.access.matrix import Rule
from rekisteri.retention.views import HOLD_ROLES, REVIEW_ROLES, STATUS_ROLES


def _hold(f: dict[str, Any]) -> int:
    from rekisteri.audit.services import Actor
    from rekisteri.retention.services import legal_hold_place

    person = f["person"]
    return legal_hold_place(
        actor=Actor("matrix"), controller=person.controller, person=person, reason="matrix test"
    ).pk


MATRIX = {
    "retention:status": Rule(roles=STATUS_ROLES),
    "retention:holds": Rule(roles=HOLD_ROLES),
    "retention:hold_release": Rule(roles=HOLD_ROLES, kwargs={"hold_id": _hold}, method="POST"),
    "retention:review": Rule(roles=REVIEW_ROLES),
    "retention:review_decide": Rule(roles=REVIEW_ROLES, method="POST"),
}
