"""The public self-service pages: no login (see rekisteri.access.matrix)."""

from __future__ import annotations

from rekisteri.access.matrix import Rule
from rekisteri.rights import matrix_fixtures as mf

MATRIX = {
    "portal:home": Rule(public=True),
    "portal:go": Rule(public=True),
    "portal:request": Rule(public=True, kwargs={"kind": lambda f: "access"}),
    "portal:sent": Rule(public=True),
    "portal:verify": Rule(public=True, kwargs={"token": lambda f: "unknown-token"}),
    "portal:status": Rule(public=True, kwargs={"token": mf.status_token}),
    "portal:status_download": Rule(public=True, kwargs={"token": mf.status_token}),
    "portal:download": Rule(public=True, kwargs={"token": mf.download_token}),
}
