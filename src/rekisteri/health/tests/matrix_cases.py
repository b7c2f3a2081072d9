"""/healthz in the permission matrix: public, no login (see rekisteri.testing.matrix).

A worker beats first: without one /healthz answers 503 to everybody, which says nothing
about access."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from rekisteri.jobs.models import Worker
from rekisteri.testing.matrix import OWN, Case, World


def _with_a_live_worker(w: World, owner: str) -> dict[str, Any]:
    now = timezone.now()
    Worker.objects.update_or_create(
        identity="matrix|1|0|x", defaults={"started_at": now, "beat_at": now}
    )
    return {}


CASES = {"health:healthz": Case(kwargs=_with_a_live_worker, owners=(OWN,))}
