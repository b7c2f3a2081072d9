"""The administrator's staff users pages: create, roles and companies, deactivate, reset 2FA."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from rekisteri.access.models import StaffProfile
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.testing.fixtures import PASSWORD, make_staff, otp_device

pytestmark = pytest.mark.django_db


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def admin_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.ADMIN).order_by("seq"))


def test_admin_lists_staff_with_role_names_companies_and_status(staff: dict[str, Any]) -> None:
    otp_device(staff["dpo"])
    page = client_for(staff["admin"]).get(reverse("access:staff_list")).content.decode()
    assert "Data protection officer" in page and "Esimerkki" in page
    assert "set up" in page and "not set up" in page
    assert ">dpo<" not in page.replace("dpo</a>", "")  # role names, not codes


def test_admin_creates_a_user_who_can_log_in_with_the_first_password(
    staff: dict[str, Any], fi_controller: Any
) -> None:
    client = client_for(staff["admin"])
    response = client.post(
        reverse("access:staff_create"),
        {
            "username": "maija",
            "roles": ["sales"],
            "controllers": [fi_controller.pk],
            "language": "fi",
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    user = get_user_model().objects.get(username="maija")
    assert user.check_password(password)
    assert StaffProfile.objects.get(user=user).roles == ["sales"]
    (event,) = admin_events()
    assert event.actor == "admin" and event.record == f"auth.User:{user.pk}"
    assert password not in str(event.detail)
    login = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("staff:login"), {"username": "maija", "password": password}, follow=True
    )
    assert "Welcome, maija" in login.content.decode()


def test_create_says_what_is_wrong_in_the_users_words(staff: dict[str, Any]) -> None:
    response = client_for(staff["admin"]).post(
        reverse("access:staff_create"), {"username": "sales", "roles": ["nope"]}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This user name is already taken." in page
    assert "Choose roles of the processing catalogue." in page
    assert "Choose at least one group company." in page
    assert not admin_events()


def test_admin_changes_roles_and_companies(
    staff: dict[str, Any], fi_controller: Any, se_controller: Any
) -> None:
    user = staff["sales"]
    group_admin = make_staff("group-admin", ["admin"], [fi_controller, se_controller])
    response = client_for(group_admin).post(
        reverse("access:staff_detail", args=[user.pk]),
        {
            "action": "update",
            "roles": ["marketing"],
            "controllers": [fi_controller.pk, se_controller.pk],
        },
        follow=True,
    )
    assert "The roles and group companies were saved." in response.content.decode()
    profile = StaffProfile.objects.get(user=user)
    assert profile.roles == ["marketing"]
    assert set(profile.controllers.values_list("code", flat=True)) == {"esimerkki-fi", "exempel-se"}
    (event,) = admin_events()
    assert event.detail["before"]["roles"] == ["sales"]


def test_an_admin_administers_only_their_own_group_companies_staff(
    staff: dict[str, Any], outsider: Any, fi_controller: Any, se_controller: Any
) -> None:
    """The Finnish company's administrator neither sees nor changes the Swedish company's
    staff, and cannot give anyone the Swedish company."""
    client = client_for(staff["admin"])
    page = client.get(reverse("access:staff_list")).content.decode()
    assert "sales" in page and "outsider" not in page
    url = reverse("access:staff_detail", args=[outsider.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "deactivate"}).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active
    form = client.get(reverse("access:staff_create")).content.decode()
    assert "Esimerkki" in form and "Exempel" not in form
    response = client.post(
        reverse("access:staff_create"),
        {"username": "spy", "roles": ["dpo"], "controllers": [se_controller.pk], "language": "fi"},
    )
    assert response.status_code == 400
    assert "Choose only group companies you administer." in response.content.decode()
    response = client.post(
        reverse("access:staff_detail", args=[staff["admin"].pk]),
        {"action": "update", "roles": ["admin"], "controllers": [se_controller.pk]},
    )
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="spy").exists()
    assert set(
        StaffProfile.objects.get(user=staff["admin"]).controllers.values_list("pk", flat=True)
    ) == {fi_controller.pk}
    assert not admin_events()


def test_deactivated_user_cannot_log_in_until_reactivated(staff: dict[str, Any]) -> None:
    admin, user = client_for(staff["admin"]), staff["sales"]
    url = reverse("access:staff_detail", args=[user.pk])
    admin.post(url, {"action": "deactivate"})
    user.refresh_from_db()
    assert not user.is_active
    refused = Client().post(reverse("staff:login"), {"username": "sales", "password": PASSWORD})
    assert refused.status_code == 200  # the login page again
    admin.post(url, {"action": "reactivate"})
    user.refresh_from_db()
    assert user.is_active
    assert [e.reason for e in admin_events()] == [
        "staff user deactivated",
        "staff user reactivated",
    ]


def test_an_admin_cannot_deactivate_themselves(staff: dict[str, Any], fi_controller: Any) -> None:
    make_staff("admin2", ["admin"], [fi_controller])
    admin = staff["admin"]
    response = client_for(admin).post(
        reverse("access:staff_detail", args=[admin.pk]), {"action": "deactivate"}
    )
    assert response.status_code == 400
    assert "You cannot deactivate yourself." in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_the_last_administrator_keeps_their_access(
    staff: dict[str, Any], fi_controller: Any
) -> None:
    other = make_staff("admin2", ["admin"], [fi_controller])
    client = client_for(other)
    admin = staff["admin"]
    url = reverse("access:staff_detail", args=[admin.pk])
    # Two administrators: one may be deactivated by the other.
    client.post(url, {"action": "deactivate"})
    admin.refresh_from_db()
    assert not admin.is_active
    # Now `other` is the last one: taking away their administrator role is refused.
    response = client.post(
        reverse("access:staff_detail", args=[other.pk]),
        {"action": "update", "roles": ["sales"], "controllers": [fi_controller.pk]},
    )
    assert response.status_code == 400
    assert "This is the last administrator" in response.content.decode()
    assert StaffProfile.objects.get(user=other).roles == ["admin"]


def test_reset_two_step_verification_removes_the_device(staff: dict[str, Any]) -> None:
    user = staff["dpo"]
    otp_device(user)
    response = client_for(staff["admin"]).post(
        reverse("access:staff_detail", args=[user.pk]), {"action": "reset_mfa"}, follow=True
    )
    assert "Two-step verification was reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    (event,) = admin_events()
    assert event.reason == "staff user's two-step verification reset"
    # At the next login a role that requires it is sent to set up a new authenticator.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, verified=False)
    assert "/staff/access/mfa/" in client.get(reverse("staff:home"))["Location"]


def test_only_roles_covering_staff_management_reach_the_pages(staff: dict[str, Any]) -> None:
    for role in ("sales", "dpo", "marketing"):
        assert client_for(staff[role]).get(reverse("access:staff_list")).status_code == 403
    response = client_for(staff["sales"]).post(
        reverse("access:staff_detail", args=[staff["dpo"].pk]), {"action": "deactivate"}
    )
    assert response.status_code == 403
    staff["dpo"].refresh_from_db()
    assert staff["dpo"].is_active


def test_pages_are_in_finnish(staff: dict[str, Any]) -> None:
    page = client_for(staff["admin"], "fi").get(reverse("access:staff_list")).content.decode()
    assert "Henkilöstön käyttäjät" in page and "Staff users" not in page


def test_staff_command_creates_the_first_administrator(fi_controller: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "staff",
        "create",
        "paakayttaja",
        "--roles",
        "admin",
        "--companies",
        "esimerkki-fi",
        stdout=out,
    )
    password = out.getvalue().split("first password ")[1].strip()
    user = get_user_model().objects.get(username="paakayttaja")
    assert user.check_password(password)
    out = StringIO()
    call_command("staff", "list", stdout=out)
    assert "paakayttaja\tadmin\tesimerkki-fi\tno-mfa\tactive" in out.getvalue()
    (event,) = admin_events()
    assert event.actor == "staff-command" and event.detail["system"] == "staff command"
