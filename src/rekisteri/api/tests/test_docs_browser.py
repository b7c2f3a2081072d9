"""The Swagger UI at /api/v1/docs renders in a real browser under the site's CSP."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.browser
def test_swagger_ui_renders_the_api_without_a_cdn_or_csp_errors(
    browser_page: Any, live_server: Any, catalogue: Any
) -> None:
    page = browser_page
    errors: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url),
    )
    page.goto("/api/v1/docs")
    # Both appear only once Swagger UI's JavaScript has run and read the schema.
    page.locator(".swagger-ui .info .title").filter(has_text="Rekisteri API").wait_for()
    page.get_by_text("/api/v1/persons/{person_id}", exact=True).first.wait_for()
    assert not [e for e in errors if "Content Security Policy" in e]
    assert elsewhere == []  # no CDN: staff browsers talk only to Rekisteri
