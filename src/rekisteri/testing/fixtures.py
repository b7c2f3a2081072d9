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
        return person_create(actor=actor, controller=controller, data=values)

    return make
