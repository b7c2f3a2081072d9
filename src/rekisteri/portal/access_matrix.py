"""The public self-service pages: no login (see rekisteri.access.matrix)."""

from __future__ import annotations

from typing import Any

from rekisteri.access.matrix import Rule

STATUS_TOKEN = "matrix-status-token"


def _status_token(f: dict[str, Any]) -> str:
    from django.utils import timezone

    from rekisteri.rights.models import RightsRequest
    from rekisteri.rights.services import token_hash

    if "portal_request" not in f:
        f["portal_request"] = RightsRequest.objects.create(
            kind="access",
            channel="public_page",
            status="unverified",
            submitted_at=timezone.now(),
            status_token_hash=token_hash(STATUS_TOKEN),
        )
    return STATUS_TOKEN


MATRIX = {
    "portal:home": Rule(public=True),
    "portal:go": Rule(public=True),
    "portal:request": Rule(public=True, kwargs={"kind": lambda f: "access"}),
    "portal:sent": Rule(public=True),
    "portal:verify": Rule(public=True, kwargs={"token": lambda f: "unknown-token"}),
    "portal:status": Rule(public=True, kwargs={"token": _status_token}),
    "portal:status_download": Rule(public=True, kwargs={"token": _status_token}),
    "portal:download": Rule(public=True, kwargs={"token": lambda f: "unknown-token"}),
}
