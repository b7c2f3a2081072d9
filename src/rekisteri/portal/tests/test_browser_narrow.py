"""Every public page fits a 360 px wide phone without sideways scrolling, in fi, sv and en."""

from __future__ import annotations

from typing import Any

import pytest

from rekisteri.testing.browser import TIMEOUT_MS

pytestmark = pytest.mark.browser

WIDTH = 360
LANGS = ("fi", "sv", "en")
PORTAL_PAGES = ("/", "/privacy/", "/rights/request/access/", "/rights/request/erasure/")


def _recipient(make_person: Any, lang: str) -> Any:
    from rekisteri.marketing.models import Campaign, CampaignRecipient

    person = make_person(first_name="Aino", last_name=f"Kapea{lang}", language=lang)
    campaign = Campaign.objects.create(
        controller=person.controller, name="Uutiskirje", subject_fi="Hei", body_fi="Uutisia"
    )
    return CampaignRecipient.objects.create(
        campaign=campaign,
        person=person,
        email=f"aino.{lang}@example.fi",
        language=lang,
        token=f"narrow-{lang}-" + "0" * 20,
        status="sent",
    )


def _too_wide(page: Any) -> str:
    """The page's width and the elements that stick out, for the failure message."""
    return page.evaluate(
        """(w) => {
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > w + 0.5) out.push(el.tagName.toLowerCase() +
              (el.className ? '.' + String(el.className).replace(/ /g, '.') : '') +
              ' ' + Math.round(r.right));
          }
          return document.documentElement.scrollWidth + ' px: ' + out.slice(0, 8).join(', ');
        }""",
        WIDTH,
    )


def test_public_pages_fit_360_px_in_every_language(
    chromium: Any,
    live_server: Any,
    transactional_db: Any,
    catalogue: Any,
    make_person: Any,
) -> None:
    tokens = {lang: _recipient(make_person, lang).token for lang in LANGS}
    failures = []
    for lang in LANGS:
        context = chromium.new_context(
            base_url=live_server.url,
            locale=lang,
            extra_http_headers={"Accept-Language": lang},
            viewport={"width": WIDTH, "height": 740},
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        paths = [*PORTAL_PAGES, f"/m/p/{tokens[lang]}", f"/m/u/{tokens[lang]}"]
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, (lang, path)
            assert page.evaluate("document.documentElement.lang") == lang, (lang, path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                failures.append(f"{lang} {path}: {_too_wide(page)}")
        context.close()
    assert not failures, "\n".join(failures)
