"""Objects the permission-matrix test needs for the rights and portal URLs (tests only)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

STATUS_TOKEN = "matrix-status-token"
DOWNLOAD_TOKEN = "matrix-download-token"


def rights_request(f: dict[str, Any]) -> Any:
    """An unmatched request with a status link and a released package (seen by every DPO)."""
    if "rights_request" in f:
        return f["rights_request"]
    from django.conf import settings
    from django.utils import timezone

    from rekisteri.rights.models import Package, RightsRequest
    from rekisteri.rights.services import token_hash

    now = timezone.now()
    r = RightsRequest.objects.create(
        kind="access",
        channel="email",
        submitted_at=now,
        received_at=now,
        status="completed",
        status_token_hash=token_hash(STATUS_TOKEN),
    )
    directory = Path(settings.PACKAGES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("README.txt", "matrix")
    name = f"matrix-{r.pk}.zip"
    (directory / name).write_bytes(buf.getvalue())
    f["rights_package"] = Package.objects.create(
        request=r,
        kind="access",
        path=name,
        sha256="0" * 64,
        size=len(buf.getvalue()),
        expires_at=now + timedelta(days=1),
        download_token_hash=token_hash(DOWNLOAD_TOKEN),
    )
    f["rights_request"] = r
    return r


def status_token(f: dict[str, Any]) -> str:
    rights_request(f)
    return STATUS_TOKEN


def download_token(f: dict[str, Any]) -> str:
    rights_request(f)
    return DOWNLOAD_TOKEN


def package_id(f: dict[str, Any]) -> int:
    rights_request(f)
    return f["rights_package"].pk
