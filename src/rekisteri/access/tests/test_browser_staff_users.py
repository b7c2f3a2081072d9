"""The administrator adds a colleague, deactivates them and resets a second factor, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from rekisteri.access.models import StaffProfile
from rekisteri.testing.browser import login
from rekisteri.testing.fixtures import otp_device, otp_token

pytestmark = pytest.mark.browser


def test_admin_adds_a_user_then_deactivates_them_and_resets_a_second_factor(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    page = browser_page
    admin = staff["admin"]
    otp_device(admin)
    otp_device(staff["dpo"])
    login(page, admin)
    if "/mfa/" in page.url:
        page.locator("#id_token").fill(otp_token(admin))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/mfa/" not in url)

    page.get_by_role("link", name="Staff users").click()
    page.get_by_role("link", name="Add a staff user").click()
    page.get_by_label("User name").fill("uusi.myyja")
    page.get_by_label("Sales").check()
    page.get_by_label("Esimerkki").first.check()
    page.get_by_role("button", name="Add the user").click()
    assert page.locator("#password").inner_text()
    user = get_user_model().objects.get(username="uusi.myyja")
    assert StaffProfile.objects.get(user=user).roles == ["sales"]

    page.get_by_role("link", name="uusi.myyja").first.click()
    page.get_by_role("button", name="Deactivate").click()
    assert "can no longer log in" in page.locator(".messages").inner_text()
    user.refresh_from_db()
    assert not user.is_active

    page.goto("/staff/access/users/")
    page.get_by_role("link", name="dpo", exact=True).click()
    page.get_by_role("button", name="Reset two-step verification").click()
    assert "Two-step verification was reset" in page.locator(".messages").inner_text()
    assert not TOTPDevice.objects.filter(user=staff["dpo"]).exists()
