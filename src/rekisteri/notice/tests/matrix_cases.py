"""Notice, disclosure, breach routes in the permission matrix (see rekisteri.testing.matrix)."""

from __future__ import annotations

from typing import Any

from rekisteri.testing.matrix import OTHER, OWN, Case, World, person_kwargs

_first = {"number": 1}


def _breach(w: World, owner: str) -> dict[str, Any]:
    def make() -> int:
        from django.utils import timezone

        from rekisteri.breaches.models import Breach

        return Breach.objects.create(
            controller=w.controller(owner),
            title="matrix",
            description="matrix test",
            discovered_at=timezone.now(),
            recorded_at=timezone.now(),
            recorded_by="test",
        ).pk

    return {"breach_id": w.once(f"breach-{owner}", make)}


CASES = {
    "notice:public_notice": Case(),
    "notice:public_version": Case(kwargs=lambda w, o: _first, owners=(OWN,)),
    "notice:versions": Case(),
    "notice:notify": Case(kwargs=lambda w, o: _first, owners=(OWN,)),
    "notice:ropa": Case(),
    "notice:ropa_export": Case(kwargs=lambda w, o: {"fmt": "xlsx"}, owners=(OWN,)),
    "disclosures:list": Case(),
    "disclosures:create": Case(),
    "disclosures:person": Case(kwargs=person_kwargs, shared="refused"),
    "breaches:list": Case(),
    "breaches:report": Case(),
    "breaches:detail": Case(kwargs=_breach, owners=(OWN, OTHER)),
    "breaches:affected": Case(kwargs=_breach, owners=(OWN, OTHER)),
    "breaches:authority_told": Case(kwargs=_breach, owners=(OWN, OTHER), method="POST"),
}
