"""axe-core finds no serious or critical accessibility problem on the main staff pages, as the
DPO and as sales, in Finnish (for sales some of them are the refusal page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rekisteri.access.selectors import scope_for, system_scope
from rekisteri.testing.axe import serious_violations
from rekisteri.testing.browser import TIMEOUT_MS, login
from rekisteri.testing.fixtures import otp_device, otp_token

pytestmark = pytest.mark.browser


def _pages(staff: dict[str, Any], make_person: Any, fi_controller: Any, actor: Any) -> list[str]:
    from rekisteri.breaches.services import breach_record
    from rekisteri.marketing.models import Campaign
    from rekisteri.register.services import organization_create
    from rekisteri.rights import services as rights

    person = make_person(first_name="Aino", last_name="Saavutettava")
    org = organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": "Esteetön Oy", "country": "FI"},
        scope=system_scope("test data"),
    )
    dpo = scope_for(staff["dpo"])
    request, _ = rights.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="erasure",
        channel="letter",
        received_at=timezone.now() - dt.timedelta(days=10),
        verification_method="signed_letter",
        requester_name="Aino Saavutettava",
        person_ids=[person.pk],
    )
    campaign = Campaign.objects.create(
        controller=fi_controller, name="Uutiskirje", subject_fi="Hei", body_fi="Uutisia"
    )
    breach_record(
        scope=dpo,
        actor=actor,
        data={
            "title": "Kannettava kadonnut",
            "nature": ["confidentiality"],
            "description": "Salaamaton vienti oli koneella.",
            "discovered_at": timezone.now() - dt.timedelta(hours=5),
            "categories": ["contact"],
        },
    )
    return [
        "/staff/",
        "/staff/register/persons/",
        f"/staff/register/persons/{person.pk}/",
        f"/staff/register/organizations/{org.pk}/",
        "/staff/rights/",
        f"/staff/rights/{request.pk}/",
        f"/staff/marketing/campaigns/{campaign.pk}/",
        "/staff/breaches/",
    ]


@pytest.mark.parametrize("role", ["dpo", "sales"])
def test_staff_pages_pass_axe_in_finnish(
    role: str,
    chromium: Any,
    live_server: Any,
    transactional_db: Any,
    staff: dict[str, Any],
    make_person: Any,
    fi_controller: Any,
    actor: Any,
) -> None:
    paths = _pages(staff, make_person, fi_controller, actor)
    user = staff[role]
    otp_device(user)
    context = chromium.new_context(
        base_url=live_server.url,
        locale="fi",
        extra_http_headers={"Accept-Language": "fi"},
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    login(page, user)
    if "/mfa/" in page.url:
        page.locator("#id_token").fill(otp_token(user))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/mfa/" not in url)
    problems: list[str] = []
    for path in paths:
        response = page.goto(path)
        # a page this role may not open answers with the styled refusal: checked too
        assert response is not None and response.status in (200, 403), (role, path)
        problems += serious_violations(page, f"{role} fi {path}")
    context.close()
    assert not problems, "\n".join(problems)
