"""The staff UI in real Chromium: what a user clicks through, end to end."""

from __future__ import annotations

from typing import Any

import pytest

from rekisteri.testing.browser import login

pytestmark = pytest.mark.browser


def test_sales_user_logs_in_searches_a_person_and_sees_where_the_data_came_from(
    browser_page: Any, staff: dict[str, Any], make_person: Any
) -> None:
    make_person(first_name="Aino", last_name="Virtanen", email="aino@firma.fi")
    make_person(first_name="Bertil", last_name="Lindqvist")
    page = browser_page
    login(page, staff["sales"])
    assert page.get_by_role("heading", name="Welcome, sales").is_visible()

    page.get_by_label("Search persons by name or email").fill("virt")
    page.get_by_label("Search persons by name or email").press("Enter")
    page.wait_for_url("**/staff/register/persons/?q=virt")
    assert page.get_by_role("link", name="Lindqvist").count() == 0
    page.get_by_role("link", name="Virtanen, Aino").click()

    page.wait_for_url("**/persons/*/?from=search")
    assert page.get_by_role("heading", name="Aino Virtanen").is_visible()
    provenance = page.locator("#provenance")
    assert provenance.get_by_role("heading", name="Where the data came from").is_visible()
    assert "The person themself" in provenance.inner_text()


def test_language_switch_to_swedish_shows_swedish_text(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    page = browser_page
    login(page, staff["sales"])
    page.get_by_label("Language").select_option("sv")
    # With JavaScript the choice submits itself; the button is there for when it does not.
    page.wait_for_selector("html[lang=sv]", state="attached")
    assert page.get_by_role("link", name="Personer").is_visible()
    assert page.get_by_role("button", name="Logga ut").is_visible()


def test_person_create_form_shows_the_field_error_and_keeps_the_input(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    page = browser_page
    login(page, staff["sales"])
    page.goto("/staff/register/persons/new/")
    page.get_by_label("Last name").fill("Virtanen")
    page.get_by_label("Email").fill("aino@")
    page.get_by_role("button", name="Save").click()

    error = page.locator("#id_email_error")
    assert "not a valid email address" in error.inner_text()
    assert page.get_by_label("Last name").input_value() == "Virtanen"
    assert page.get_by_label("Email").get_attribute("aria-invalid") == "true"
