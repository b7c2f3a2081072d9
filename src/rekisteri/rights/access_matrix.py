"""Who may reach the DPO's request pages (see rekisteri.access.matrix): the DPO only."""

from __future__ import annotations

from typing import Any

from rekisteri.access.matrix import Rule

DPO = frozenset({"dpo"})


def _request_id(f: dict[str, Any]) -> int:
    """An unmatched request, which every DPO of the group sees (made once per fixture set)."""
    from django.utils import timezone

    from rekisteri.rights.models import RightsRequest

    if "rights_request" not in f:
        now = timezone.now()
        f["rights_request"] = RightsRequest.objects.create(
            kind="access", channel="email", submitted_at=now, received_at=now
        )
    return f["rights_request"].pk


def _person_id(f: dict[str, Any]) -> int:
    return f["person"].pk


_req = {"request_id": _request_id}

MATRIX = {
    "rights:queue": Rule(roles=DPO),
    "rights:request_new": Rule(roles=DPO),
    "rights:request_detail": Rule(roles=DPO, kwargs=_req),
    "rights:request_action": Rule(
        roles=DPO, kwargs={**_req, "action": lambda f: "assign"}, method="POST"
    ),
    "rights:package_download": Rule(roles=DPO, kwargs={"package_id": lambda f: 999999}),
    "rights:person_rights": Rule(roles=DPO, kwargs={"person_id": _person_id}),
    "rights:restriction_lift": Rule(roles=DPO, kwargs={"person_id": _person_id}, method="POST"),
}
