"""axe-core finds no serious or critical accessibility problem on the public pages, on a
360 px wide phone, in fi, sv and en."""

from __future__ import annotations

from typing import Any

import pytest

from rekisteri.portal.tests.test_browser_narrow import LANGS, PORTAL_PAGES, WIDTH, _recipient
from rekisteri.testing.axe import serious_violations
from rekisteri.testing.browser import TIMEOUT_MS

pytestmark = pytest.mark.browser


def test_public_pages_pass_axe_at_360_px_in_every_language(
    chromium: Any,
    live_server: Any,
    transactional_db: Any,
    catalogue: Any,
    make_person: Any,
) -> None:
    tokens = {lang: _recipient(make_person, lang).token for lang in LANGS}
    problems: list[str] = []
    for lang in LANGS:
        context = chromium.new_context(
            base_url=live_server.url,
            locale=lang,
            extra_http_headers={"Accept-Language": lang},
            viewport={"width": WIDTH, "height": 740},
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        for path in [*PORTAL_PAGES, f"/m/p/{tokens[lang]}", f"/m/u/{tokens[lang]}"]:
            response = page.goto(path)
            assert response is not None and response.status == 200, (lang, path)
            problems += serious_violations(page, f"{lang} {path}")
        context.close()
    assert not problems, "\n".join(problems)
