"""Shared test fixtures: the demo catalogue, one staff user per role, and an outsider.

Like healthchecks' alice/bob/charlie: `staff["sales"]`, `staff["marketing"]`, `staff["dpo"]`…
are users of the Finnish group company; `outsider` is sales staff of the Swedish one only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rekisteri.audit.services import Actor

DEMO_CATALOGUE = Path(__file__).resolve().parents[1] / "catalogue" / "demo_catalogue.toml"
ROLES = ("sales", "customer_service", "finance", "marketing", "compliance", "dpo", "admin")
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def catalogue(db: Any) -> Any:
    from rekisteri.catalogue.selectors import catalogue_snapshot
    from rekisteri.catalogue.services import catalogue_load

    catalogue_load(
        text=DEMO_CATALOGUE.read_text(encoding="utf-8"), source_name="demo", actor=Actor("test")
    )
    return catalogue_snapshot()


@pytest.fixture
def fi_controller(catalogue: Any) -> Any:
    from rekisteri.register.models import Controller

    return Controller.objects.get(code="esimerkki-fi")


@pytest.fixture
def se_controller(catalogue: Any) -> Any:
    from rekisteri.register.models import Controller

    return Controller.objects.get(code="exempel-se")


def make_staff(username: str, roles: list[str], controllers: list[Any]) -> Any:
    from django.contrib.auth import get_user_model

    from rekisteri.access.models import StaffProfile

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    profile = StaffProfile.objects.create(user=user, roles=roles)
    profile.controllers.set(controllers)
    return user


@pytest.fixture
def staff(fi_controller: Any) -> dict[str, Any]:
    return {role: make_staff(role, [role], [fi_controller]) for role in ROLES}


@pytest.fixture
def outsider(se_controller: Any) -> Any:
    return make_staff("outsider", ["sales"], [se_controller])


@pytest.fixture
def actor() -> Actor:
    return Actor("test")


@pytest.fixture
def make_person(fi_controller: Any, actor: Actor) -> Any:
    from rekisteri.access.selectors import system_scope
    from rekisteri.register.services import person_create

    counter = {"n": 0}

    def make(**data: Any) -> Any:
        counter["n"] += 1
        n = counter["n"]
        values = {
            "first_name": "Maija",
            "last_name": f"Meikäläinen{n}",
            "email": f"maija{n}@example.fi",
        }
        values.update(data)
        controller = values.pop("controller", fi_controller)
        return person_create(
            actor=actor, controller=controller, data=values, scope=system_scope("test data")
        )

    return make


# --- Logging in, fast ----------------------------------------------------------------------


def otp_device(user: Any) -> Any:
    """The user's confirmed TOTP device, created if they have none (tests only)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def otp_token(user: Any) -> str:
    """The code the user's authenticator app would show now (for browser tests)."""
    from django_otp.oath import totp

    device = otp_device(user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def _verify_second_factor(client: Any, user: Any) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY, user_has_device

    from rekisteri.access.selectors import scope_for

    if not (scope_for(user).mfa_required or user_has_device(user, confirmed=True)):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = otp_device(user).persistent_id
    session.save()


@pytest.fixture(autouse=True, scope="session")
def _force_login_passes_second_factor() -> Any:
    """`Client.force_login` skips the password; here it skips the second factor too, so
    that tests of DPO, compliance and administrator pages need not type TOTP codes.
    `client.force_login(user, verified=False)` leaves the second factor owed (tests of
    the MFA enforcement itself)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self: Any, user: Any, backend: Any = None, verified: bool = True) -> None:
        original(self, user, backend)
        if verified:
            _verify_second_factor(self, user)

    Client.force_login = force_login  # type: ignore[method-assign]
    yield
    Client.force_login = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Any:
    """Argon2 is slow on purpose; test users need not be. (access/tests check Argon2.)"""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_match_index() -> Any:
    """Each test matches against its own database's lists: the matcher's in-memory index
    (watchlists.matching) is trusted for a second, and a test's lists are rolled back."""
    from rekisteri.watchlists.matching import forget_index

    forget_index()
    yield
    forget_index()
