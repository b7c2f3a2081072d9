"""`rekisteri serve`: the production server answers pages and static files with the security
headers, honours the proxy settings, and logs requests without personal data."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import resolve

from rekisteri.common.accesslog import loggable_path
from rekisteri.common.management.commands.serve import gunicorn_options

SCRIPT = Path(sys.executable).parent / "rekisteri"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def wait_for(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"rekisteri serve stopped: {server.stdout.read()}")  # type: ignore[union-attr]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("rekisteri serve did not start listening")


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REKISTERI_", "DEBUG", "SECURE_", "SECRET_KEY", "ALLOWED_HOSTS"))
        and k not in ("DATABASE_URL", "BEHIND_PROXY")
    }
    # A reverse proxy terminates TLS in front of us and says so in X-Forwarded-Proto.
    env.update(
        REKISTERI_HOME=str(tmp_path / "home"),
        DEBUG="false",
        REKISTERI_BASE_URL="https://rekisteri.example.fi",
        ALLOWED_HOSTS="127.0.0.1",
        BEHIND_PROXY="true",
        REKISTERI_TRUSTED_PROXIES="127.0.0.1",
    )
    subprocess.run([str(SCRIPT), "migrate", "-v0"], env=env, check=True, timeout=300)
    return env


@pytest.mark.slow
def test_serve_answers_pages_and_static_files_behind_a_proxy_and_logs_no_personal_data(
    production_env: dict[str, str],
):
    port = free_port()
    server = subprocess.Popen(
        [str(SCRIPT), "serve", "--addr", f"127.0.0.1:{port}", "--workers", "1"],
        env=production_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port, server)
        https = {"X-Forwarded-Proto": "https"}

        login = get(port, "/staff/login/?next=/staff/&email=jane.virtanen@example.fi", https)
        assert login.status == 200
        assert "default-src 'self'" in login.headers["Content-Security-Policy"]
        assert login.headers["X-Frame-Options"] == "DENY"
        assert login.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        # Secure cookies: Django believes the proxy's X-Forwarded-Proto.
        assert "Secure" in login.headers["Set-Cookie"]

        # Without the proxy's word the request is plain HTTP: redirected to https.
        plain = get(port, "/staff/login/")
        assert plain.status == 301
        assert plain.headers["Location"].startswith("https://")

        css = get(port, "/static/rekisteri/site.css", {**https, "Accept-Encoding": "gzip"})
        assert css.status == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert css.headers["Content-Encoding"] == "gzip"
        assert "public" in css.headers["Cache-Control"]
        assert css.headers["X-Content-Type-Options"] == "nosniff"

        # A load balancer probes over plain HTTP on the inside: not redirected.
        # (503 here: no worker runs beside this server, and /healthz says so)
        health = get(port, "/healthz")
        assert health.status == 503
        worker = next(c for c in json.loads(health.body)["checks"] if c["name"] == "worker")
        assert worker["status"] == "fail"
        assert get(port, "/staff/register/persons/123/?q=Virtanen", https).status == 302
        assert get(port, "/no/such/page/jane.virtanen@example.fi", https).status == 404
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)

    lines = [line for line in output.splitlines() if " GET " in line]
    assert any("GET /staff/login/ 200" in line for line in lines), output
    assert any("GET /static/rekisteri/site.css 200" in line for line in lines), output
    assert any("GET /staff/register/persons/123/ 302" in line for line in lines), output
    assert any("GET - 404" in line for line in lines), output
    assert "?" not in output
    assert "jane" not in output.lower() and "virtanen" not in output.lower()
    assert "127.0.0.1 -" not in output  # no client address either


@pytest.mark.parametrize(
    "path, logged",
    [
        ("/staff/register/persons/42/", "/staff/register/persons/42/"),
        ("/staff/register/persons/42/edit/", "/staff/register/persons/42/edit/"),
        ("/healthz", "/healthz"),
        ("/static/rekisteri/site.css", "/static/rekisteri/site.css"),
        ("/no/such/page/jane@example.fi", "-"),
    ],
)
def test_the_access_log_shows_routes_with_ids_only(path, logged):
    request = RequestFactory().get(path + "?email=jane@example.fi")
    try:
        request.resolver_match = resolve(path)
    except Exception:
        request.resolver_match = None
    assert loggable_path(request) == logged


@pytest.mark.parametrize(
    "path, logged",
    [
        ("/m/u/secret-token-of-jane", "/m/u/<token>"),
        ("/m/c/secret-token/https://example.fi/jane", "/m/c/<token>/<signed>"),
    ],
)
def test_a_token_in_a_path_stays_a_placeholder(path, logged):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    assert loggable_path(request) == logged


def test_gunicorn_believes_forwarded_headers_only_behind_a_proxy(settings):
    settings.BEHIND_PROXY = False
    assert gunicorn_options(addr="127.0.0.1:1", workers=1, threads=1)["forwarded_allow_ips"] == ""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    options = gunicorn_options(addr="127.0.0.1:1", workers=1, threads=4)
    assert options["forwarded_allow_ips"] == "10.0.0.0/8"
    assert options["worker_class"] == "gthread"
    assert options["accesslog"] is None  # gunicorn's own would print query strings
