"""Login security: own accounts, Argon2, validators, TOTP, lockout, idle timeout, headers,
CSRF and Django's deployment check."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.testing.fixtures import PASSWORD, otp_device, otp_token

pytestmark = pytest.mark.django_db

HOME = "/staff/"


def log_in(client: Client, user) -> object:  # type: ignore[no-untyped-def]
    return client.post(reverse("staff:login"), {"username": user.username, "password": PASSWORD})


@pytest.mark.parametrize("role", ["dpo", "admin", "compliance"])
def test_roles_that_need_mfa_are_held_at_set_up_until_they_enrol(staff, role):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff[role], verified=False)
    held = client.get(reverse("register:person_list"))
    assert held.status_code == 302
    assert held["Location"].startswith(reverse("access:mfa_setup"))
    page = client.get(held["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, inline
    device = TOTPDevice.objects.get(user=staff[role], confirmed=False)
    from django_otp.oath import totp

    code = f"{totp(device.bin_key):06d}"
    done = client.post(held["Location"], {"token": code, "next": "/staff/register/persons/"})
    assert done.status_code == 302 and done["Location"] == "/staff/register/persons/"
    assert client.get(reverse("staff:home")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=role).exists()


def test_a_wrong_code_does_not_enrol(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["dpo"], verified=False)
    client.get(reverse("access:mfa_setup"))
    response = client.post(reverse("access:mfa_setup"), {"token": "000000"})
    assert response.status_code == 400
    assert 'id="id_token_error"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff["dpo"], confirmed=True).exists()
    assert client.get(HOME).status_code == 302


def test_after_the_password_an_enrolled_user_must_give_a_code(staff):
    user = staff["sales"]  # MFA is not required of sales, but anyone who enrols uses it
    otp_device(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    after_password = log_in(client, user)
    assert after_password.status_code == 302
    held = client.get(after_password["Location"])
    assert held["Location"].startswith(reverse("access:mfa_verify"))
    wrong = client.post(reverse("access:mfa_verify"), {"token": "123456"})
    assert wrong.status_code == 400
    assert client.get(HOME).status_code == 302  # still held
    # After a wrong code django-otp makes the next try wait; let that time pass.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)
    right = client.post(reverse("access:mfa_verify"), {"token": otp_token(user)})
    assert right.status_code == 302
    assert client.get(HOME).status_code == 200


def test_guessing_codes_is_slowed_down(staff):
    user = staff["dpo"]
    otp_device(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, verified=False)
    client.post(reverse("access:mfa_verify"), {"token": "123456"})
    right_too_soon = client.post(reverse("access:mfa_verify"), {"token": otp_token(user)})
    assert right_too_soon.status_code == 400
    assert "Too many wrong codes" in right_too_soon.content.decode()


def test_a_password_alone_cannot_replace_an_enrolled_device(staff):
    user = staff["dpo"]
    otp_device(user)
    client = Client()
    client.force_login(user, verified=False)
    assert client.get(reverse("access:mfa_setup"))["Location"] == reverse("access:mfa_verify")


def test_staff_without_mfa_role_or_device_go_straight_in(staff):
    client = Client()
    log_in(client, staff["sales"])
    assert client.get(HOME).status_code == 200


def test_five_wrong_passwords_lock_the_login_with_a_clear_page(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = staff["sales"]
    for _ in range(5):
        client.post(reverse("staff:login"), {"username": user.username, "password": "wrong"})
    locked = log_in(client, user)  # even the right password now
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert client.get(HOME).status_code == 302  # not logged in


def test_four_wrong_passwords_do_not_lock(staff):
    client = Client()
    user = staff["sales"]
    for _ in range(4):
        client.post(reverse("staff:login"), {"username": user.username, "password": "wrong"})
    assert log_in(client, user).status_code == 302
    assert client.get(HOME).status_code == 200


def test_an_idle_session_ends(staff, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["sales"])
    assert client.get(HOME).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_an_active_session_continues(staff, settings):
    client = Client()
    client.force_login(staff["sales"])
    client.get(HOME)
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS + 60
    session.save()
    assert client.get(HOME).status_code == 200


def test_security_headers_and_csp_on_every_page(staff):
    client = Client()
    for response in (client.get(reverse("staff:login")), client.get("/api/v1/openapi.json")):
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_login_form_needs_the_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)
    response = log_in(client, staff["sales"])
    assert response.status_code == 403


def test_passwords_are_stored_with_argon2():
    # The tests run with a fast hasher (testing/fixtures.py); the project's setting is this:
    from rekisteri import settings as project_settings

    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        assert make_password(PASSWORD).startswith("argon2$argon2id$")


@pytest.mark.parametrize("password", ["short1", "password123456", "123456789012345"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def _deploy_check(base_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECURE_SSL_REDIRECT", "SECRET_KEY")
    }
    env.update(
        REKISTERI_HOME=str(tmp_path),
        REKISTERI_BASE_URL=base_url,
        ALLOWED_HOSTS="rekisteri.example.fi",
        DEBUG="false",
    )
    script = Path(sys.executable).parent / "rekisteri"
    return subprocess.run(  # noqa: S603 - our own console script
        [str(script), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = _deploy_check("https://rekisteri.example.fi", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_https(tmp_path):
    result = _deploy_check("http://rekisteri.example.fi", tmp_path)
    assert result.returncode != 0
    assert "security.W008" in result.stderr or "security.W012" in result.stderr
