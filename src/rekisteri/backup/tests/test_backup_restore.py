"""Backup and restore, end to end, in `rekisteri` processes of their own: a register in a
data directory is backed up, a person is erased, the backup is restored into a new data
directory (and a new PostgreSQL database), and the erased person stays erased.

The PostgreSQL cases run when the tests themselves run on PostgreSQL (DATABASE_URL); they
create and drop scratch databases beside the test database.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

from rekisteri.backup.tests.scenario import ERASED

PASSPHRASE = "correct horse battery staple backup"
SCENARIO = "rekisteri.backup.tests.scenario"

_url = os.environ.get("DATABASE_URL", "")
KINDS = ["sqlite"] + (["postgresql"] if _url.startswith(("postgres://", "postgresql://")) else [])


def _pg_admin(sql: str) -> None:
    import psycopg

    parts = urlparse(_url)
    with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as c:
        c.execute(sql)


@dataclass
class Site:
    """One installation: a data directory and its database."""

    home: Path
    ledger: Path
    database_url: str = ""
    created: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("REKISTERI_", "DATABASE_URL", "SECRET_KEY"))
        }
        env.update(
            REKISTERI_HOME=str(self.home),
            REKISTERI_ERASURE_LEDGER=str(self.ledger),
            DJANGO_SETTINGS_MODULE="rekisteri.settings",
            REKISTERI_SQLITE_CACHE_MB="0",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run(
        self, *args: str, check: bool = True, **extra_env: str
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "rekisteri.cli", *args],
            env={**self.env(), **extra_env},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"rekisteri {args[0]} failed:\n{done.stderr[-3000:]}")
        return done

    def call(self, function: str) -> dict[str, Any]:
        out = self.run(
            "shell", "--no-imports", "-c", f"from {SCENARIO} import {function}; {function}()"
        )
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else {}

    def popen(self, function: str, *arg: str) -> subprocess.Popen[str]:
        code = f"from {SCENARIO} import {function}; {function}(*{list(arg)!r})"
        return subprocess.Popen(
            [sys.executable, "-m", "rekisteri.cli", "shell", "--no-imports", "-c", code],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def _site(tmp: Path, name: str, kind: str, ledger: Path) -> Site:
    site = Site(home=tmp / name, ledger=ledger)
    if kind == "postgresql":
        db = f"backup_{name}_{secrets.token_hex(4)}"
        _pg_admin(f'CREATE DATABASE "{db}"')
        site.database_url = urlunparse(urlparse(_url)._replace(path=f"/{db}"))
        site.created.append(db)
    return site


@pytest.fixture(params=KINDS)
def sites(request: Any, tmp_path: Path) -> Iterator[tuple[Site, Any]]:
    """A factory of installations sharing one erasure ledger on 'other storage'."""
    kind = request.param
    ledger = tmp_path / "other-storage" / "erasure-ledger.jsonl"
    made: list[Site] = []

    def make(name: str) -> Site:
        site = _site(tmp_path, name, kind, ledger)
        made.append(site)
        return site

    yield make, kind
    for site in made:
        for db in site.created:
            _pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def _register(make: Any) -> Site:
    source = make("source")
    source.run("migrate", "--verbosity=0")
    source.call("seed")
    return source


def test_backup_before_an_erasure_restored_does_not_bring_the_person_back(
    sites: Any, passphrase_file: Path, tmp_path: Path
) -> None:
    make, kind = sites
    source = _register(make)
    backup_dir = tmp_path / "backup-1"
    out = source.run("backup", str(backup_dir), "--passphrase-file", str(passphrase_file))
    assert json.loads(out.stdout.splitlines()[0])["database"] == kind
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"] == kind and manifest["migrations"]["rights"]

    source.call("erase")
    assert source.call("state")["erased_present"] is False

    target = make("restored")
    out = target.run("restore", str(backup_dir), "--passphrase-file", str(passphrase_file))
    report = json.loads(out.stdout.splitlines()[0])
    assert report["re_erased"] == 1
    assert "1 persons erased again" in out.stdout
    assert ERASED["email"] not in out.stdout + out.stderr

    state = target.call("state")
    assert state["erased_present"] is False
    assert state["stays_present"] is True
    # The stayer's attachment came back; the erased person's went with them.
    assert report["stored_files"] == 2
    assert state["files"] == 1 and state["files_readable"] is True
    verify = target.run("audit", "verify")
    assert "audit trail intact" in verify.stdout

    # The ledger holds no personal data: not the name, not the address.
    raw = source.ledger.read_bytes().lower()
    assert raw.count(b"\n") >= 1
    for value in ERASED.values():
        assert value.lower().encode() not in raw


def test_a_restored_backup_made_after_the_erasure_has_nothing_to_erase_again(
    sites: Any, passphrase_file: Path, tmp_path: Path
) -> None:
    make, _kind = sites
    source = _register(make)
    source.call("erase")
    source.run("backup", str(tmp_path / "b"), "--passphrase-file", str(passphrase_file))
    target = make("restored")
    out = target.run("restore", str(tmp_path / "b"), "--passphrase-file", str(passphrase_file))
    report = json.loads(out.stdout.splitlines()[0])
    assert (report["re_erased"], report["already_erased"]) == (0, 1)
    assert target.call("state")["erased_present"] is False
    assert "audit trail intact" in target.run("audit", "verify").stdout


def test_wrong_passphrase_and_non_empty_home_are_refused(
    sites: Any, passphrase_file: Path, tmp_path: Path
) -> None:
    make, _kind = sites
    source = _register(make)
    backup_dir = tmp_path / "b"
    source.run("backup", str(backup_dir), "--passphrase-file", str(passphrase_file))

    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all", encoding="utf-8")
    target = make("restored")
    done = target.run("restore", str(backup_dir), "--passphrase-file", str(wrong), check=False)
    assert done.returncode != 0
    assert "wrong passphrase" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (target.home / "files").exists()

    # An audit key in the environment that is not the backup's: refused, nothing restored.
    done = target.run(
        "restore",
        str(backup_dir),
        "--passphrase-file",
        str(passphrase_file),
        check=False,
        REKISTERI_AUDIT_KEY="another audit key altogether",
    )
    assert done.returncode != 0
    assert "REKISTERI_AUDIT_KEY in the environment is not the key" in done.stderr
    assert not (target.home / "files").exists()

    done = source.run(
        "restore", str(backup_dir), "--passphrase-file", str(passphrase_file), check=False
    )
    assert done.returncode != 0
    assert "is not empty" in done.stderr and "Traceback" not in done.stderr
    assert source.call("state")["stays_present"] is True

    # A second backup into the same directory does not overwrite the first.
    done = source.run(
        "backup", str(backup_dir), "--passphrase-file", str(passphrase_file), check=False
    )
    assert done.returncode != 0 and "not empty" in done.stderr


def test_backup_while_writes_go_on_is_a_consistent_copy(
    sites: Any, passphrase_file: Path, tmp_path: Path
) -> None:
    make, _kind = sites
    source = _register(make)
    stop = tmp_path / "stop"
    writer = source.popen("write_until", str(stop))
    try:
        time.sleep(3)  # let the writer start (not a timing assertion: only load)
        source.run("backup", str(tmp_path / "b"), "--passphrase-file", str(passphrase_file))
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err[-2000:]
    written = json.loads(out.strip().splitlines()[-1])["written"]

    target = make("restored")
    target.run("restore", str(tmp_path / "b"), "--passphrase-file", str(passphrase_file))
    state = target.call("state")
    # Some moment of the writing: each person whole with the audit event of their creation
    # (the chain verifies), nothing half-written.
    assert 2 <= state["persons"] <= 2 + written
    assert "audit trail intact" in target.run("audit", "verify").stdout
