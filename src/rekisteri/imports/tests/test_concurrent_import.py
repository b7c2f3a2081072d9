"""Two imports of the same file at once create each person once (issue 14, item 2).

Both imports are made to meet just before their check for duplicates (each waits up to a
few seconds for the other there): without a lock both find nothing and both write. With the
group company's register lock the second cannot get there before the first has committed,
so it finds the first one's persons and reports them as duplicates.

PostgreSQL: two threads, each with its own connection (a transactional test). SQLite: the
test database lives in memory, where a second connection fails at once instead of waiting,
so two `rekisteri` processes import into a database file of their own.
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

from rekisteri.audit.services import Actor
from rekisteri.imports import services
from rekisteri.imports.readers import read_table
from rekisteri.register.models import ContactPoint, Person
from rekisteri.register.services import SourceRef

ROWS = 300
MEET_SECONDS = 3


def write_file(path: Path) -> Path:
    lines = ["etunimi;sukunimi;sähköposti"]
    lines += [f"Henkilö;Numero{i};henkilo{i}@asiakas.fi" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check(reports: list[dict[str, Any]], emails: int, contact_points: int) -> None:
    assert contact_points == emails == ROWS
    assert sorted(r["created"] for r in reports) == [0, ROWS]
    second = next(r for r in reports if r["created"] == 0)
    assert second["skipped"] == ROWS
    assert "a person with this email is already in the register" in second["notes"][0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads need PostgreSQL; SQLite: below"
)
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_in_threads_create_each_person_once(
    tmp_path: Path, fi_controller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file(tmp_path / "asiakkaat.csv")
    meet = threading.Barrier(2, timeout=MEET_SECONDS)
    check_duplicates = services._drop_duplicate_persons

    def met_first(*args: Any, **kwargs: Any) -> Any:
        # Broken: the other import is held by the lock (or already done).
        with contextlib.suppress(threading.BrokenBarrierError):
            meet.wait()
        return check_duplicates(*args, **kwargs)

    monkeypatch.setattr(services, "_drop_duplicate_persons", met_first)
    reports: list[dict[str, Any]] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            report = services.import_persons(
                actor=Actor("import"),
                controller=fi_controller,
                rows=read_table(path, "persons"),
                source=SourceRef(name=path.name),
            )
            reports.append(
                {"created": report.created, "skipped": report.skipped, "notes": report.notes}
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failures == []
    emails = Person.objects.filter(controller=fi_controller).count()
    check(reports, emails, ContactPoint.objects.filter(kind="email").count())


SCRIPT = r"""
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
import django, json
django.setup()
from rekisteri.register.models import ContactPoint, Person
print(json.dumps([Person.objects.count(), ContactPoint.objects.filter(kind="email").count()]))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: the threads above")
@pytest.mark.slow
def test_two_import_processes_at_once_on_sqlite_create_each_person_once(tmp_path: Path) -> None:
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
        python(SCRIPT, str(a), str(b), str(path), str(MEET_SECONDS)),
        python(SCRIPT, str(b), str(a), str(path), str(MEET_SECONDS)),
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err[-2000:]
    reports = [json.loads(out) for out, _err in outputs]
    counter = python(COUNT)
    out, err = counter.communicate(timeout=60)
    assert counter.returncode == 0, err
    persons, contact_points = json.loads(out)
    check(reports, persons, contact_points)
