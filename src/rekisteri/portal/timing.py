"""A timing probe of the public request form: does a registered address answer more slowly?

`rekisteri portal_timing` posts the access form alternately for registered and unknown
addresses (a fresh registered address each time, so that the hourly per-address limit never
applies) and reports both medians and the Mann-Whitney z of the two samples. Everything runs
in one transaction that is rolled back at the end: the probe leaves no person, request or
counter behind and sends no mail (mail leaves after the response anyway, and is not what the
client waits for). The rate limits are lifted for the probe's duration.

A probe, not a test: timings belong here, the work itself is asserted in
`portal/tests/test_equal_work.py`.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory, override_settings

from rekisteri.access.selectors import system_scope
from rekisteri.audit.services import Actor
from rekisteri.register.models import Controller
from rekisteri.register.services import person_create

URL = "/rights/request/access/"


class _Rollback(Exception):
    pass


def mann_whitney_z(a: list[float], b: list[float]) -> float:
    """z of the Mann-Whitney U statistic (normal approximation; timings have no ties)."""
    ranked = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    rank_a = sum(i + 1 for i, (_v, group) in enumerate(ranked) if group == 0)
    n1, n2 = len(a), len(b)
    u = rank_a - n1 * (n1 + 1) / 2
    mean, sd = n1 * n2 / 2, math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return (u - mean) / sd if sd else 0.0


def probe(*, requests: int = 60) -> dict[str, Any]:
    from rekisteri.portal.views import request_form

    factory = RequestFactory()
    known: list[float] = []
    unknown: list[float] = []
    result: dict[str, Any] = {}

    def post(email: str) -> float:
        request = factory.post(URL, {"email": email}, REMOTE_ADDR="192.0.2.1")
        request.user = AnonymousUser()
        start = time.perf_counter()
        response = request_form(request, kind="access")
        took = time.perf_counter() - start
        if response.status_code != 302:
            raise RuntimeError(f"the form answered {response.status_code}")
        return took

    limits = {"PUBLIC_POSTS_PER_ADDRESS": 10**9, "PUBLIC_POSTS_TOTAL": 10**9}
    try:
        with override_settings(**limits), transaction.atomic():
            controller = Controller.objects.order_by("pk").first()
            if controller is None:
                raise RuntimeError("no group company: load a catalogue and create one first")
            scope = system_scope("timing probe of the public request form")
            for n in range(requests):
                person_create(
                    actor=Actor("timing probe"),
                    controller=controller,
                    data={"first_name": "Probe", "last_name": f"P{n}", "email": _known(n)},
                    scope=scope,
                )
            post("warm-up-probe@example.fi")
            for n in range(requests):
                # Alternating, so that drift in the machine's load hits both alike.
                known.append(post(_known(n)))
                unknown.append(post(f"nobody-probe{n}@example.fi"))
            raise _Rollback
    except _Rollback:
        pass
    result = {
        "requests": requests,
        "known_median_ms": round(statistics.median(known) * 1000, 2),
        "unknown_median_ms": round(statistics.median(unknown) * 1000, 2),
        "mann_whitney_z": round(mann_whitney_z(known, unknown), 2),
    }
    return result


def _known(n: int) -> str:
    return f"registered-probe{n}@example.fi"
