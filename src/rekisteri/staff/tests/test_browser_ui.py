"""The staff shell in real Chromium: the grouped sidebar, the dashboard per role, the
narrow-screen menu and the styled 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rekisteri.access.selectors import scope_for
from rekisteri.rights import services as rights
from rekisteri.testing.browser import login
from rekisteri.testing.fixtures import otp_device, otp_token

pytestmark = pytest.mark.browser


def _login_with_code(page: Any, user: Any) -> None:
    otp_device(user)
    login(page, user)
    if "/mfa/" in page.url:
        page.locator("#id_token").fill(otp_token(user))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/mfa/" not in url)


def test_sales_sidebar_groups_the_pages_by_work_area(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    page = browser_page
    login(page, staff["sales"])
    sidebar = page.get_by_role("navigation", name="Main")
    register = sidebar.get_by_role("group", name="Register")
    assert register.get_by_role("link", name="Persons").is_visible()
    assert register.get_by_role("link", name="Organisations").is_visible()
    assert sidebar.get_by_role("group", name="Compliance").is_visible()
    # sales handles no data subject requests: the group is not offered at all
    assert sidebar.get_by_role("group", name="Data subject rights").count() == 0
    register.get_by_role("link", name="Organisations").click()
    page.wait_for_url("**/staff/register/organizations/")
    current = sidebar.locator("a[aria-current=page]")
    assert current.inner_text() == "Organisations"


def test_dpo_dashboard_shows_overdue_requests_and_sales_does_not(
    browser_page: Any, staff: dict[str, Any], actor: Any
) -> None:
    dpo = scope_for(staff["dpo"])
    late, _ = rights.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="erasure",
        channel="letter",
        received_at=timezone.now() - dt.timedelta(days=45),
        verification_method="signed_letter",
    )
    page = browser_page
    _login_with_code(page, staff["dpo"])
    block = page.get_by_role("region", name="Data subject requests")
    assert block.is_visible()
    assert "overdue by" in block.inner_text()
    block.get_by_role("link", name=late.reference).click()
    page.wait_for_url(f"**/staff/rights/{late.pk}/")

    page.context.clear_cookies()
    login(page, staff["sales"])
    assert page.get_by_role("region", name="Recent interactions").is_visible()
    assert page.get_by_role("region", name="Data subject requests").count() == 0
    assert page.get_by_role("region", name="Campaigns and their results").count() == 0


def test_on_a_narrow_screen_the_sidebar_opens_from_the_menu_button(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, staff["sales"])
    persons = page.get_by_role("link", name="Persons")
    assert not persons.is_visible()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    assert persons.is_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_a_mistyped_address_shows_a_styled_page_with_a_way_back(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    page = browser_page
    login(page, staff["sales"])
    response = page.goto("/staff/no-such-page/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert page.get_by_role("navigation", name="Main").is_visible()
    page.get_by_role("link", name="Back to the start page").click()
    page.wait_for_url("**/staff/")
