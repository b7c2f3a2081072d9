"""Rights routes (the DPO's pages and API) and the public portal in the permission matrix.

A request belongs to the group company of the persons it names: another company's DPO gets
404 for it, its package and its person pages.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from rekisteri.testing.matrix import OTHER, OWN, SHARED, Case, World, person_kwargs

STATUS_TOKEN = "matrix-status-token"
DOWNLOAD_TOKEN = "matrix-download-token"


def rights_request(w: World, owner: str) -> Any:
    """A completed access request naming the owner's person, with a released package."""

    def make() -> Any:
        from django.conf import settings
        from django.utils import timezone

        from rekisteri.rights.models import Package, RequestSubject, RightsRequest
        from rekisteri.rights.services import token_hash

        now = timezone.now()
        person = w.person(owner)
        r = RightsRequest.objects.create(
            kind="access",
            channel="email",
            submitted_at=now,
            received_at=now,
            status="completed",
            status_token_hash=token_hash(f"{STATUS_TOKEN}-{owner}"),
        )
        RequestSubject.objects.create(
            request=r, person=person, matched_by="staff", confirmed_at=now, confirmed_by="matrix"
        )
        directory = Path(settings.PACKAGES_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("README.txt", "matrix")
        name = f"matrix-{r.pk}.zip"
        (directory / name).write_bytes(buf.getvalue())
        package = Package.objects.create(
            request=r,
            kind="access",
            path=name,
            sha256="0" * 64,
            size=len(buf.getvalue()),
            expires_at=now + timedelta(days=1),
            download_token_hash=token_hash(f"{DOWNLOAD_TOKEN}-{owner}"),
        )
        return r, package

    return w.once(f"request-{owner}", make)


def _request_kwargs(w: World, owner: str) -> dict[str, Any]:
    return {"request_id": rights_request(w, owner)[0].pk}


def _package_kwargs(w: World, owner: str) -> dict[str, Any]:
    return {"package_id": rights_request(w, owner)[1].pk}


def _status_token(w: World, owner: str) -> dict[str, Any]:
    rights_request(w, OWN)
    return {"token": f"{STATUS_TOKEN}-{OWN}"}


def _download_token(w: World, owner: str) -> dict[str, Any]:
    rights_request(w, OWN)
    return {"token": f"{DOWNLOAD_TOKEN}-{OWN}"}


# Requests about a person shared with the DPO's company are still the keeping company's.
_refused = {"shared": "refused"}
_owners = (OWN, OTHER, SHARED)

CASES = {
    "rights:queue": Case(),
    "rights:request_new": Case(),
    "rights:request_detail": Case(kwargs=_request_kwargs, owners=_owners, **_refused),
    "rights:request_action": Case(
        kwargs=lambda w, o: {**_request_kwargs(w, o), "action": "assign"},
        owners=_owners,
        method="POST",
        **_refused,
    ),
    "rights:package_download": Case(kwargs=_package_kwargs, owners=_owners, **_refused),
    "rights:person_rights": Case(kwargs=person_kwargs, **_refused),
    "rights:restriction_lift": Case(kwargs=person_kwargs, method="POST", **_refused),
    "api:rights_request_list": Case(),
    "api:rights_request_get": Case(kwargs=_request_kwargs, owners=_owners, **_refused),
    "portal:home": Case(),
    "portal:go": Case(),
    "portal:request": Case(kwargs=lambda w, o: {"kind": "access"}, owners=(OWN,)),
    "portal:sent": Case(),
    "portal:verify": Case(kwargs=lambda w, o: {"token": "unknown-token"}, owners=(OWN,)),
    "portal:status": Case(kwargs=_status_token, owners=(OWN,)),
    "portal:status_download": Case(kwargs=_status_token, owners=(OWN,)),
    "portal:download": Case(kwargs=_download_token, owners=(OWN,)),
}
