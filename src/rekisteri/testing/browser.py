"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

    @pytest.mark.browser
    def test_something(browser_page, staff):
        login(browser_page, staff["sales"])
        browser_page.get_by_role("link", name="Persons").click()

- Chromium is the system one (/usr/bin/chromium, or REKISTERI_CHROMIUM); `playwright install`
  is never needed. When it is missing the test is skipped, unless REKISTERI_REQUIRE_BROWSER
  is true (CI sets it), and then it fails.
- The live server runs in a thread of the test process and sees the test database, so the
  tests use `transactional_db` (an in-memory SQLite database is shared with that thread).
- Playwright's sync API keeps an asyncio loop running in this thread; Django's
  "async unsafe" guard would then refuse ORM calls made by the test itself, so the fixture
  allows them while the browser is open (the calls are in fact synchronous).
- Pages open in English (Accept-Language en) so that tests can find text; a test of another
  language switches it as a user would.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from rekisteri.testing.fixtures import PASSWORD

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    configured = os.environ.get("REKISTERI_CHROMIUM")
    candidates = [configured] if configured else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _require_browser() -> bool:
    value = os.environ.get("REKISTERI_REQUIRE_BROWSER", "false").strip().lower()
    if value not in ("true", "false", ""):
        raise ValueError("REKISTERI_REQUIRE_BROWSER must be true or false")
    return value == "true"


def _unavailable(reason: str) -> None:
    if _require_browser():
        pytest.fail(f"{reason} (REKISTERI_REQUIRE_BROWSER=true)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One Chromium for the whole test session."""
    path = chromium_path()
    if path is None:
        _unavailable("Chromium not found: install Debian's chromium or set REKISTERI_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        manager.stop()
        _restore(previous)
        _unavailable(f"Chromium at {path} does not start: {exc}")
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()
        _restore(previous)


def _restore(previous: str | None) -> None:
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def optional_chromium(request: pytest.FixtureRequest) -> Any:
    """The session's Chromium, or None when there is none and none is required: for a test
    whose checks are worth running without a browser too. Session-scoped, so that Chromium
    starts before the test's database fixture opens its connection (once Playwright runs,
    Django keeps its connections per greenlet)."""
    try:
        return request.getfixturevalue("chromium")
    except pytest.skip.Exception:
        return None


@pytest.fixture
def browser_page(chromium: Any, live_server: Any, transactional_db: Any) -> Iterator[Any]:
    """A fresh page (own cookies) whose relative URLs go to the live server."""
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", extra_http_headers={"Accept-Language": "en"}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def login(page: Any, user: Any, password: str = PASSWORD) -> None:
    """Log in through the login form as a person would, and wait for the home page."""
    page.goto("/staff/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/staff/login/" not in url)


#: The origin of pages served by `client_context`: Django's test client's own host name.
CLIENT_ORIGIN = "http://testserver"


def client_context(chromium: Any, client: Any, lang: str, width: int = 1280) -> tuple[Any, dict]:
    """A browser context whose requests are answered by Django's test `client` in this
    thread: no live server, no second thread, and the test's own database transaction (so
    a test on `db` can load a large register once and have it rolled back, which
    `transactional_db` would flush table by table). Static files are read from the
    finders, as `runserver` would.

    Returns the context and a dict of the HTML answers, path to (status, text), so that the
    test reads the very answer the browser shows."""
    from django.contrib.staticfiles import finders
    from django.db import connections

    seen: dict[str, Any] = {}
    # Playwright runs a route's handler in a greenlet of its own, with its own context
    # variables, where Django (seeing Playwright's running event loop) would open another
    # database connection, outside the test's transaction: the handler uses the test's.
    own = {alias: connections[alias] for alias in connections}

    def answer(route: Any) -> None:
        for alias, connection in own.items():
            connections[alias] = connection
        request = route.request
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path.startswith("/static/"):
            found = finders.find(parts.path.removeprefix("/static/"))
            if not found:
                route.fulfill(status=404, body="")
                return
            route.fulfill(path=found)
            return
        if request.method == "GET":
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=lang)
        else:
            response = client.generic(
                request.method,
                path,
                request.post_data_buffer or b"",
                content_type=request.headers.get("content-type", ""),
                HTTP_ACCEPT_LANGUAGE=lang,
            )
        # Chromium does not route the request a fulfilled redirect leads to (it would look
        # up the test client's host name): the redirect is followed here, as the test
        # client's `follow` does, and the browser gets the page it leads to.
        for _hop in range(5):
            location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
            target = urlsplit(location)
            if not location or (target.netloc and target.netloc != urlsplit(CLIENT_ORIGIN).netloc):
                break
            path = target.path + (f"?{target.query}" if target.query else "")
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=lang)
        headers = dict(response.items())
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        if "text/html" in headers.get("Content-Type", ""):
            seen[path] = (response.status_code, body.decode())
        route.fulfill(status=response.status_code, headers=headers, body=body)

    context = chromium.new_context(
        base_url=CLIENT_ORIGIN,
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
        viewport={"width": width, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", answer)
    return context, seen
