"""The parts of backup and restore that run in the test process: the passphrase
encryption, the erasure ledger that erasure appends to, and the PostgreSQL tools check."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from rekisteri.backup.envelope import (
    CHUNK,
    BackupCryptoError,
    DecryptingReader,
    EncryptingWriter,
)
from rekisteri.backup.ledger import LedgerError, ledger_entries, ledger_lines

PASSPHRASE = b"correct horse battery staple"


def _encrypt(data: bytes) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, PASSPHRASE)
    writer.write(data)
    writer.close()
    return out.getvalue()


def test_what_is_encrypted_reads_back_with_the_passphrase_only() -> None:
    data = os.urandom(CHUNK * 2 + 123)
    sealed = _encrypt(data)
    assert data[:64] not in sealed
    assert DecryptingReader(io.BytesIO(sealed), PASSPHRASE).read() == data
    with pytest.raises(BackupCryptoError, match="wrong passphrase"):
        DecryptingReader(io.BytesIO(sealed), b"another passphrase entirely")


def test_a_cut_short_or_altered_backup_is_refused() -> None:
    sealed = _encrypt(os.urandom(CHUNK * 2 + 5))
    with pytest.raises(BackupCryptoError, match="cut short"):
        DecryptingReader(io.BytesIO(sealed[: len(sealed) - CHUNK // 2]), PASSPHRASE).read()
    changed = bytearray(sealed)
    changed[-10] ^= 1
    with pytest.raises(BackupCryptoError, match="damaged or was altered"):
        DecryptingReader(io.BytesIO(bytes(changed)), PASSPHRASE).read()
    # A whole chunk left out is noticed too (each chunk's number is bound to it).
    with pytest.raises(BackupCryptoError):
        reader = DecryptingReader(io.BytesIO(sealed), PASSPHRASE)
        header = len(sealed) - len(reader._source.read())  # type: ignore[attr-defined]
        first = 4 + 12 + CHUNK + 16
        DecryptingReader(io.BytesIO(sealed[:header] + sealed[header + first :]), PASSPHRASE).read()


@pytest.fixture
def ledger(settings: Any, tmp_path: Path) -> Path:
    settings.ERASURE_LEDGER = tmp_path / "elsewhere" / "erasure-ledger.jsonl"
    return settings.ERASURE_LEDGER


def _erase(person: Any) -> None:
    from rekisteri.access.capabilities import Cap
    from rekisteri.audit.services import Actor
    from rekisteri.audit.work import system_scope
    from rekisteri.rights.erasure import erasure_execute

    scope = system_scope("test", capabilities=[Cap.HANDLE_RIGHTS_REQUESTS])
    erasure_execute(scope=scope, actor=Actor("test"), person=person)


@pytest.mark.django_db(transaction=True)
def test_every_erasure_appends_a_ledger_line_without_personal_data(
    ledger: Path, make_person: Any
) -> None:
    person = make_person(first_name="Outi", last_name="Unohdettava", email="outi.u@example.fi")
    make_person(first_name="Pekka")
    _erase(person)
    raw = ledger.read_bytes()
    assert raw.count(b"\n") == 1
    for value in (b"outi", b"unohdettava", b"example.fi"):
        assert value not in raw.lower()
    (entry,) = ledger_entries(ledger_lines())
    assert len(entry.identifiers) == 1
    assert oct(ledger.stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db(transaction=True)
def test_an_edited_ledger_line_is_an_error_not_skipped(ledger: Path, make_person: Any) -> None:
    _erase(make_person())
    line = json.loads(ledger.read_text(encoding="utf-8"))
    line["at"] = "2000-01-01T00:00:00+00:00"
    ledger.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(LedgerError, match="line 1 does not match"):
        ledger_entries(ledger_lines())


@pytest.mark.django_db(transaction=True)
def test_an_erasure_whose_ledger_line_cannot_be_written_does_not_happen(
    settings: Any, tmp_path: Path, make_person: Any
) -> None:
    from rekisteri.register.models import Person

    # The ledger's directory cannot be made (a file is in the way; root ignores modes).
    (tmp_path / "in-the-way").write_text("a file", encoding="utf-8")
    settings.ERASURE_LEDGER = tmp_path / "in-the-way" / "erasure-ledger.jsonl"
    person = make_person()
    with pytest.raises(LedgerError, match="cannot be written"):
        _erase(person)
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_pg_dump_missing_or_older_than_the_server_is_a_clear_error(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from rekisteri.backup.database import DatabaseBackupError, database_dump

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL client tools matter on PostgreSQL only")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(DatabaseBackupError, match="pg_dump is not on PATH"):
        database_dump(tmp_path / "dump")
    old = tmp_path / "old"
    old.mkdir()
    fake = old / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(old))
    with pytest.raises(DatabaseBackupError, match="pg_dump is version 9 but the PostgreSQL"):
        database_dump(tmp_path / "dump")
