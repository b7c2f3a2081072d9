"""The screening routes in the permission matrix (see rekisteri.testing.matrix)."""

from __future__ import annotations

from typing import Any

from rekisteri.testing.matrix import OTHER, OWN, Case, World

_owners = (OWN, OTHER)


def _hit(w: World, owner: str) -> Any:
    from rekisteri.screening.models import PersonHit

    def make() -> Any:
        return PersonHit.objects.create(
            person=w.person(owner),
            list_name="Matrix list",
            list_version_id=1,
            entity_key=f"matrix-{owner}",
            caption="Matrix Entry",
            score=0.9,
            reasons=[{"kind": "name", "ours": "A", "theirs": "A", "similarity": 1.0}],
            subject_fingerprint="s",
            entry_fingerprint="e",
        )

    return w.once(f"screening-hit-{owner}", make)


def hit_kwargs(w: World, owner: str) -> dict[str, Any]:
    return {"kind": "person", "hit_id": _hit(w, owner).pk}


CASES = {
    "screening:queue": Case(),
    "screening:hit": Case(kwargs=hit_kwargs, owners=_owners),
    "api:screening_hits_list": Case(),
    "api:screening_hit_decide": Case(
        kwargs=hit_kwargs,
        owners=_owners,
        method="POST",
        data=lambda w, o: {"decision": "false_positive", "reason": "other birth date"},
    ),
}
