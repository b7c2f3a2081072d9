"""A local PRH: a real HTTP server in a thread that answers `/companies?businessId=…` with
the recorded responses in tests/recorded/, and fails in the ways the real one can."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from rekisteri.register.models import Organization

RECORDED = Path(__file__).resolve().parent / "recorded"
#: business ID → recorded response (PRH's answer for it)
RESPONSES = {
    "3012345-8": "ytj_active.json",
    "3023456-1": "ytj_ended.json",
    "3034567-5": "ytj_liquidation.json",
}
BROKEN = "3045678-9"  # the server answers 503 for it
SLOW = "2331972-7"  # the server does not answer in time for it


class PRH:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.release = threading.Event()


def _handler(prh: PRH) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlparse(self.path)
            business_id = parse_qs(url.query).get("businessId", [""])[0]
            prh.requests.append(f"{url.path}?businessId={business_id}")
            if url.path != "/opendata-ytj-api/v3/companies":
                self._send(404, b'{"message": "not found"}')
            elif business_id == BROKEN:
                self._send(503, b'{"message": "Service Unavailable"}')
            elif business_id == SLOW:
                prh.release.wait(10)
                self._send(200, (RECORDED / "ytj_none.json").read_bytes())
            else:
                name = RESPONSES.get(business_id, "ytj_none.json")
                self._send(200, (RECORDED / name).read_bytes())

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (the timeout test)
                self.wfile.write(body)

    return Handler


@pytest.fixture
def prh(settings: Any) -> Iterator[PRH]:
    state = PRH()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.YTJ_URL = f"http://127.0.0.1:{server.server_address[1]}/opendata-ytj-api/v3"
    settings.YTJ_TIMEOUT = 1
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_org(fi_controller: Any, actor: Any) -> Any:
    """An organisation created the way staff create one (provenance: the company itself)."""
    from rekisteri.access.selectors import system_scope
    from rekisteri.catalogue.models import SourceKind
    from rekisteri.register.services import SourceRef, organization_create

    def make(controller: Any = None, **data: Any) -> Organization:
        return organization_create(
            actor=actor,
            controller=controller or fi_controller,
            data={"country": "FI", **data},
            scope=system_scope("test"),
            source=SourceRef(kind=SourceKind.DATA_SUBJECT),
        )

    return make
