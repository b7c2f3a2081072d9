"""Who may reach the DPO's request pages (see rekisteri.access.matrix): the DPO only."""

from __future__ import annotations

from typing import Any

from rekisteri.access.matrix import Rule
from rekisteri.rights import matrix_fixtures as mf

DPO = frozenset({"dpo"})


def _request_id(f: dict[str, Any]) -> int:
    return mf.rights_request(f).pk


def _person_id(f: dict[str, Any]) -> int:
    return f["person"].pk


_req = {"request_id": _request_id}

MATRIX = {
    # API (rights/api.py): the DPO's queue and one request, read-only.
    "api:rights_request_list": Rule(roles=DPO),
    "api:rights_request_get": Rule(roles=DPO, kwargs=_req),
    "rights:queue": Rule(roles=DPO),
    "rights:request_new": Rule(roles=DPO),
    "rights:request_detail": Rule(roles=DPO, kwargs=_req),
    "rights:request_action": Rule(
        roles=DPO, kwargs={**_req, "action": lambda f: "assign"}, method="POST"
    ),
    "rights:package_download": Rule(roles=DPO, kwargs={"package_id": mf.package_id}),
    "rights:person_rights": Rule(roles=DPO, kwargs={"person_id": _person_id}),
    "rights:restriction_lift": Rule(roles=DPO, kwargs={"person_id": _person_id}, method="POST"),
}
