"""Work done in a separate `rekisteri` process by the backup tests (a real register in a
data directory of its own): `python -m rekisteri.cli shell -c "from … import seed; seed()"`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rekisteri.audit.services import Actor
from rekisteri.testing.fixtures import DEMO_CATALOGUE

ERASED = {"first_name": "Aino", "last_name": "Poistettava", "email": "aino.poistettava@example.fi"}
STAYS = {"first_name": "Bertta", "last_name": "Pysyvä", "email": "bertta.pysyva@example.fi"}


def _attach(person_id: int, text: bytes) -> None:
    """A letter with an attachment (a stored file under REKISTERI_HOME/files)."""
    from rekisteri.interactions.files import file_store
    from rekisteri.interactions.models import Communication, CommunicationKind
    from rekisteri.register.models import Person

    person = Person.objects.get(pk=person_id)
    Communication.objects.create(
        controller=person.controller,
        person=person,
        channel=CommunicationKind.LETTER_IN,
        subject="letter",
        attachment=file_store(data=text, suffix="txt"),
    )


def _create(values: dict[str, str]) -> int:
    from rekisteri.access.selectors import system_scope
    from rekisteri.register.models import Controller
    from rekisteri.register.services import person_create

    person = person_create(
        actor=Actor("test"),
        controller=Controller.objects.get(code="esimerkki-fi"),
        data=dict(values),
        scope=system_scope("backup test data"),
    )
    return int(person.pk)


def seed() -> None:
    from rekisteri.catalogue.services import catalogue_load

    catalogue_load(
        text=DEMO_CATALOGUE.read_text(encoding="utf-8"), source_name="demo", actor=Actor("test")
    )
    _attach(_create(ERASED), b"the erased person's letter")
    _attach(_create(STAYS), b"a letter that stays")


def erase() -> None:
    from rekisteri.access.capabilities import Cap
    from rekisteri.audit.work import system_scope
    from rekisteri.register.models import ContactPoint, Person
    from rekisteri.rights.erasure import erasure_execute

    pid = ContactPoint.objects.get(value=ERASED["email"]).person_id
    scope = system_scope("backup test", capabilities=[Cap.HANDLE_RIGHTS_REQUESTS])
    erasure_execute(scope=scope, actor=Actor("test"), person=Person.objects.get(pk=pid))


def write_until(stop_file: str) -> None:
    """Create persons, one transaction each, until `stop_file` exists; print how many."""
    n = 0
    while not Path(stop_file).exists() or n < 5:
        n += 1
        _create(
            {"first_name": "Kalle", "last_name": f"Kirjoittaja{n}", "email": f"k{n}@example.fi"}
        )
    sys.stdout.write(json.dumps({"written": n}))


def state() -> None:
    from rekisteri.interactions.files import file_path
    from rekisteri.interactions.models import StoredFile
    from rekisteri.register.models import ContactPoint, Person

    names = set(Person.objects.values_list("last_name", flat=True))
    emails = set(ContactPoint.objects.values_list("value", flat=True))
    sys.stdout.write(
        json.dumps(
            {
                "persons": Person.objects.count(),
                "erased_present": ERASED["last_name"] in names or ERASED["email"] in emails,
                "stays_present": STAYS["last_name"] in names and STAYS["email"] in emails,
                "files_readable": all(file_path(f).is_file() for f in StoredFile.objects.all()),
                "files": StoredFile.objects.count(),
            }
        )
    )
