"""Demo hook: a small synthetic sanctions list (invented names, never a downloaded list:
fixtures/demo_list.ftm.json, FollowTheMoney JSON lines), a demo customer contact whose
name, birth date and nationality are close to one of its entries, and the register
screened against it: one open hit on the review queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import system_scope as register_scope
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.register.models import Controller, Person
from rekisteri.register.services import person_create
from rekisteri.screening.models import HitStatus, PersonHit
from rekisteri.screening.services import rescreen
from rekisteri.watchlists.services import load_list

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_list.ftm.json"
LIST_NAME = "Rekisteri demo list (synthetic)"
#: the demo person: invented, close to the list's first entry (rk-demo-0001)
PERSON = {
    "first_name": "Veikko",
    "last_name": "Tarvaskoski",
    "nationality": "FI",
    "identity_code": "170461-4736",
    "language": "fi",
}


def load(*, stdout: Any) -> None:
    if PersonHit.objects.exists():
        stdout.write("screening demo: already present")
        return
    controller = Controller.objects.filter(country="FI").order_by("pk").first()
    if controller is None:
        return
    actor = Actor("demo")
    load_list(FIXTURE, format="ftm", name=LIST_NAME)
    person = Person.objects.filter(
        controller=controller, first_name=PERSON["first_name"], last_name=PERSON["last_name"]
    ).first() or person_create(
        actor=actor,
        controller=controller,
        data=dict(PERSON),
        scope=register_scope("demo data: a customer contact close to the demo list"),
    )
    scope = system_scope(
        "demo data: screening the register against the demo list",
        actor=actor.name,
        capabilities=[Cap.SCREEN_CUSTOMERS],
    )
    rescreen(scope=scope, actor=actor, everyone=True)
    hit = PersonHit.objects.filter(person=person, status=HitStatus.OPEN).first()
    if hit is None:
        stdout.write("screening demo: the demo list is loaded, but no hit was found")
        return
    stdout.write(
        "screening demo: a synthetic list loaded and one open hit "
        f"(see /staff/screening/hits/person/{hit.pk}/)"
    )
