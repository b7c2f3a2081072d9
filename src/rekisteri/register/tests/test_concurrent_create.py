"""An API create and an import of the same person at once make one person (issue 14 items 2
and 9): the create takes the group company's register lock, as the import does, from its
check for duplicates to its commit (register/locks.py), so whichever comes second finds the
first one's person — the create answers 422 naming the email, the import reports a duplicate.

Both are made to meet just before their checks (each waits a few seconds for the other
there): without the lock both find nothing and both write. PostgreSQL: two threads with
their own connections, the create through the API. SQLite: the test database lives in
memory, where a second connection fails at once instead of waiting, so two `rekisteri`
processes work on a database file of their own, the create through the same service.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.services import Actor
from rekisteri.imports import services as imports
from rekisteri.imports.readers import read_table
from rekisteri.register import services
from rekisteri.register.models import ContactPoint
from rekisteri.register.services import SourceRef

EMAIL = "maija.virtanen@asiakas.fi"
MEET_SECONDS = 3


def write_file(path: Path) -> Path:
    lines = ["etunimi;sukunimi;sähköposti", f"Maija;Virtanen;{EMAIL}"]
    lines += [f"Henkilö;Numero{i};henkilo{i}@asiakas.fi" for i in range(5)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check(created: bool, report: dict[str, Any], contact_points: int) -> None:
    assert contact_points == 1
    if created:  # the create came first: the import found its person
        assert report["created"] == 5 and report["skipped"] == 1
        assert "a person with this email is already in the register" in report["notes"][0]
    else:
        assert report["created"] == 6


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads need PostgreSQL; SQLite: below"
)
@pytest.mark.django_db(transaction=True)
def test_an_api_create_and_an_import_at_once_make_one_person(
    tmp_path: Path, fi_controller: Any, staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file(tmp_path / "asiakkaat.csv")
    meet = threading.Barrier(2, timeout=MEET_SECONDS)

    def meeting(check_duplicates: Any) -> Any:
        def met_first(*args: Any, **kwargs: Any) -> Any:
            # Broken: the other one is held by the lock (or already done).
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait()
            return check_duplicates(*args, **kwargs)

        return met_first

    monkeypatch.setattr(
        imports, "_drop_duplicate_persons", meeting(imports._drop_duplicate_persons)
    )
    monkeypatch.setattr(services, "person_duplicates", meeting(services.person_duplicates))
    api = ApiClient(staff["sales"])
    results: dict[str, Any] = {}
    failures: list[BaseException] = []

    def create() -> None:
        try:
            results["api"] = api.post(
                "/persons", {"first_name": "Maija", "last_name": "Virtanen", "email": EMAIL}
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    def load() -> None:
        try:
            report = imports.import_persons(
                actor=Actor("import"),
                controller=fi_controller,
                rows=read_table(path, "persons"),
                source=SourceRef(name=path.name),
            )
            results["import"] = {
                "created": report.created,
                "skipped": report.skipped,
                "notes": report.notes,
            }
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create), threading.Thread(target=load)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    response = results["api"]
    assert response.status_code in (201, 422), response.content
    if response.status_code == 422:
        assert response.json() == {"errors": {"email": services.PERSON_EMAIL_TAKEN}}
    contact_points = ContactPoint.objects.filter(kind="email", value=EMAIL).count()
    check(response.status_code == 201, results["import"], contact_points)


CREATE = r"""
import django, json, sys, time
from pathlib import Path
django.setup()
from rekisteri.access.selectors import system_scope
from rekisteri.audit.services import Actor
from rekisteri.register import services
from rekisteri.register.inputs import InputError
from rekisteri.register.models import Controller
me, other, seconds, email = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
check_duplicates = services.person_duplicates
def met_first(*args, **kwargs):
    me.touch()
    deadline = time.monotonic() + seconds
    while not other.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return check_duplicates(*args, **kwargs)
services.person_duplicates = met_first
try:
    services.person_create(
        actor=Actor("api"),
        controller=Controller.objects.get(code="esimerkki-fi"),
        data={"first_name": "Maija", "last_name": "Virtanen", "email": email},
        scope=system_scope("test create"),
    )
    print(json.dumps({"created": True}))
except InputError as exc:
    print(json.dumps({"created": False, "errors": exc.errors}))
"""

IMPORT = r"""
import django, json, sys, time
from pathlib import Path
django.setup()
from rekisteri.audit.services import Actor
from rekisteri.imports import services
from rekisteri.imports.readers import read_table
from rekisteri.register.models import Controller
from rekisteri.register.services import SourceRef
me, other, path, seconds = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4])
check_duplicates = services._drop_duplicate_persons
def met_first(*args, **kwargs):
    me.touch()
    deadline = time.monotonic() + seconds
    while not other.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return check_duplicates(*args, **kwargs)
services._drop_duplicate_persons = met_first
report = services.import_persons(
    actor=Actor("import"),
    controller=Controller.objects.get(code="esimerkki-fi"),
    rows=read_table(path, "persons"),
    source=SourceRef(name=path.name),
)
print(json.dumps({"created": report.created, "skipped": report.skipped, "notes": report.notes}))
"""

SETUP = r"""
import django
django.setup()
from rekisteri.audit.services import Actor
from rekisteri.catalogue.services import catalogue_load
from rekisteri.testing.fixtures import DEMO_CATALOGUE
catalogue_load(text=DEMO_CATALOGUE.read_text(), source_name="demo", actor=Actor("test"))
"""

COUNT = r"""
import django, json, sys
django.setup()
from rekisteri.register.models import ContactPoint
print(json.dumps(ContactPoint.objects.filter(kind="email", value=sys.argv[1]).count()))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: the threads above")
@pytest.mark.slow
def test_a_create_and_an_import_process_at_once_on_sqlite_make_one_person(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(REKISTERI_HOME=str(tmp_path / "home"), DJANGO_SETTINGS_MODULE="rekisteri.settings")
    rekisteri = str(Path(sys.executable).with_name("rekisteri"))

    def python(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    subprocess.run([rekisteri, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    setup = python(SETUP)
    assert setup.wait() == 0, setup.stderr.read() if setup.stderr else ""
    path = write_file(tmp_path / "asiakkaat.csv")
    a, b = tmp_path / "a", tmp_path / "b"
    procs = [
        python(CREATE, str(a), str(b), str(MEET_SECONDS), EMAIL),
        python(IMPORT, str(b), str(a), str(path), str(MEET_SECONDS)),
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err[-2000:]
    created, report = (json.loads(out) for out, _err in outputs)
    if not created["created"]:
        assert created["errors"] == {"email": "a person with this email is already in the register"}
    counter = python(COUNT, EMAIL)
    out, err = counter.communicate(timeout=60)
    assert counter.returncode == 0, err
    check(created["created"], report, json.loads(out))
