"""A request from the public page to the download, in real Chromium."""

from __future__ import annotations

import re
import zipfile
from typing import Any

import pytest

from rekisteri.testing.browser import login
from rekisteri.testing.fixtures import otp_device, otp_token
from rekisteri.testing.mail import delivered

pytestmark = pytest.mark.browser


def _path(body: str, name: str) -> str:
    match = re.search(rf"https?://[^/\s]+(/rights/{name}/[^/\s]+/)", body)
    assert match, f"no {name} link in the email"
    return match.group(1)


def _login_dpo(page: Any, user: Any) -> None:
    otp_device(user)
    login(page, user)
    if "/mfa/" in page.url:
        page.locator("#id_token").fill(otp_token(user))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/mfa/" not in url)


def test_access_request_from_public_page_to_download(
    browser_page: Any, staff: dict[str, Any], make_person: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PACKAGES_DIR = tmp_path
    make_person(first_name="Aino", last_name="Selaimenkoski", email="aino@example.fi")
    page = browser_page

    # The person asks for a copy of their data on the public page.
    page.goto("/")
    page.get_by_role("link", name="Get a copy of your data").click()
    page.get_by_label("Your email address").fill("aino@example.fi")
    page.get_by_role("button", name="Send the request").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()

    # They confirm with the emailed link; opening it alone confirms nothing.
    body = delivered()[-1].body
    page.goto(_path(body, "verify"))
    page.get_by_role("button", name="Confirm the request").click()
    assert page.locator("#confirmed").is_visible()
    status_path = _path(body, "status")
    page.goto(status_path)
    assert "received, being handled" in page.locator("#status").inner_text()

    # The DPO finds it in the queue with its deadline, confirms the record and fulfils it.
    _login_dpo(page, staff["dpo"])
    page.goto("/staff/rights/")
    link = page.get_by_role("link", name=re.compile(r"DSR-\d+"))
    link.first.click()
    page.get_by_label(re.compile("Selaimenkoski")).check()
    from playwright.sync_api import expect

    # each action answers in place (htmx): its outcome is said at the top of the page
    page.get_by_role("button", name="Confirm person records").click()
    expect(page.locator("#outcome-message")).to_have_text("Saved.")
    page.get_by_role("button", name="Fulfil and close").click()
    expect(page.locator("#status")).to_contain_text("completed")
    assert "download" in delivered()[-1].body.lower()

    # The person follows the status link and downloads the package.
    page.context.clear_cookies()
    page.goto(status_path)
    assert "completed" in page.locator("#status").inner_text()
    with page.expect_download() as info:
        page.locator("#download").click()
    saved = tmp_path / "download.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as zf:
        report = zf.read("report.html").decode()
        assert "Selaimenkoski" in report
        assert {"data.json", "data.csv"} <= set(zf.namelist())
