"""After erasure, the raw SQLite file and its WAL hold none of the person's values.

Runs a real `rekisteri` process on a file database of its own (never DATABASE_URL: the raw
file is SQLite's; PostgreSQL's path is VACUUM, see docs/erasure.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rekisteri.rights.tests.scan import scan_files

NEEDLES = ["Zebulonia", "Quarkström", "zebulonia.quark@example.fi", "+358401112233"]

SCRIPT = r"""
import django, sys
django.setup()
from django.core.management import call_command
from rekisteri.audit.services import Actor
from rekisteri.catalogue.services import catalogue_load
from rekisteri.testing.fixtures import DEMO_CATALOGUE
from rekisteri.register.models import Controller
from rekisteri.register.services import person_create, person_update
from rekisteri.rights.services import access_package_build
from rekisteri.access.capabilities import Cap
from rekisteri.audit.work import system_scope
actor = Actor("test")
catalogue_load(text=DEMO_CATALOGUE.read_text(), source_name="demo", actor=actor)
c = Controller.objects.get(code="esimerkki-fi")
from rekisteri.access.selectors import system_scope as register_scope
p = person_create(actor=actor, controller=c, scope=register_scope("test"), data={
    "first_name": "Zebulonia", "last_name": "Quarkström",
    "email": "zebulonia.quark@example.fi", "phone": "+358401112233", "title": "Johtaja"})
person_update(actor=actor, person=p, scope=register_scope("test"),
              data={"title": "Toimitusjohtaja Zebulonia"})
scope = system_scope("test: a package before erasure", capabilities=[Cap.HANDLE_RIGHTS_REQUESTS])
access_package_build(scope=scope, actor=actor, person_ids=[p.pk], lang="fi")
from pathlib import Path
from django.conf import settings
home = Path(settings.HOME)
data = b"".join(f.read_bytes() for f in home.rglob("*") if f.is_file())
print("BEFORE:" + ("found" if "Quarkström".encode() in data else "missing"))
call_command("rights", "erasure", "--email", "zebulonia.quark@example.fi", "--execute")
"""


@pytest.mark.slow
def test_erased_values_are_not_in_the_database_file_or_wal(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(REKISTERI_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="rekisteri.settings")
    rekisteri = Path(sys.executable).with_name("rekisteri")
    subprocess.run([str(rekisteri), "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    run = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "BEFORE:found" in run.stdout, "the scan must see the values before erasure"
    db = tmp_path / "rekisteri.sqlite3"
    assert db.exists()
    wal = tmp_path / "rekisteri.sqlite3-wal"
    leftovers = scan_files([tmp_path], NEEDLES)
    assert leftovers == [], f"erased values found in {leftovers}"
    assert not wal.exists() or wal.stat().st_size == 0 or not scan_files([wal], NEEDLES)
