"""The staff start page: one block per kind of work, each shown only to users whose
capabilities cover it (the gate's `Scope.can`), its data read through the apps' scoped
selectors. A block a user cannot use is not computed at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope
from rekisteri.audit.selectors import audit_chain_head, audit_verification_last
from rekisteri.audit.services import Actor
from rekisteri.breaches.selectors import breaches_open
from rekisteri.interactions.selectors import open_service_requests, recent_interactions
from rekisteri.marketing.selectors import campaign_results
from rekisteri.retention.review import review_list
from rekisteri.rights.selectors import request_queue
from rekisteri.screening.selectors import open_hit_count

#: rows listed in a block; the counts are of everything
SHOWN = 8
#: review items counted at most (the review page lists them all)
REVIEW_COUNTED = 500


@dataclass
class Dashboard:
    blocks: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def dashboard(*, scope: Scope, actor: Actor) -> Dashboard:
    d = Dashboard()
    now = timezone.now()
    if scope.can(Cap.HANDLE_RIGHTS_REQUESTS):
        rows = request_queue(scope=scope, show="open")
        d.blocks.append("requests")
        d.data["requests"] = {
            "open": len(rows),
            "overdue": sum(1 for r in rows if r.overdue),
            "due_soon": sum(1 for r in rows if r.due_soon),
            "rows": rows[:SHOWN],
        }
    if scope.can(Cap.KEEP_BREACH_REGISTER):
        open_ = breaches_open(scope=scope, now=now)
        d.blocks.append("breaches")
        d.data["breaches"] = {
            "rows": [
                {"breach": b, "hours_left": b.hours_left(now), "late": now > b.deadline}
                for b in open_[:SHOWN]
            ],
            "count": len(open_),
        }
    if scope.can(Cap.REVIEW_RETENTION):
        items = review_list(scope=scope, limit=REVIEW_COUNTED)
        d.blocks.append("review")
        d.data["review"] = {"count": len(items), "more": len(items) >= REVIEW_COUNTED}
    if scope.can(Cap.SCREEN_CUSTOMERS):
        d.blocks.append("screening")  # catalogue-free: the dashboard block's key
        d.data["screening"] = {"open": open_hit_count(scope=scope)}  # catalogue-free: ditto
    if scope.can(Cap.VERIFY_AUDIT_TRAIL) or scope.can(Cap.READ_AUDIT_TRAIL):
        seq, _head = audit_chain_head()
        d.blocks.append("audit")
        d.data["audit"] = {
            "chain_length": seq,
            "verify": scope.can(Cap.VERIFY_AUDIT_TRAIL),
            "last": audit_verification_last(),
        }
    if scope.can(Cap.RECORD_INTERACTIONS):
        d.blocks.append("interactions")
        d.data["interactions"] = {
            "recent": recent_interactions(scope=scope, actor=actor, limit=SHOWN),
            "follow_ups": open_service_requests(scope=scope, actor=actor, limit=SHOWN),
        }
    if scope.can(Cap.SEND_DIRECT_MARKETING):
        d.blocks.append("campaigns")
        d.data["campaigns"] = {"rows": campaign_results(scope=scope, limit=5)}
    return d
