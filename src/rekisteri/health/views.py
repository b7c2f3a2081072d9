"""GET /healthz: for load balancers and monitoring (see rekisteri.health.checks)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from rekisteri.access.gate import public
from rekisteri.health.checks import FAIL, run_checks


@public
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    overall, checks = run_checks()
    return JsonResponse(
        {"status": overall, "checks": [c.as_json() for c in checks]},
        status=503 if overall == FAIL else 200,
    )
