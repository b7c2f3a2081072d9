"""The erasure ledger: who was erased, as keyed hashes, outside the database.

A backup is a copy of the register as it was. Restoring one taken before an erasure would
bring the erased person back; the ledger is what stops that. Every erasure appends one line
(JSON) to the file at `settings.ERASURE_LEDGER` (REKISTERI_ERASURE_LEDGER; best on other
storage than the data directory) inside the erasure's transaction, fsync'd before the
transaction commits: an erasure whose line cannot be written does not happen.

A line holds no personal data: the erasure time, an HMAC of the person's id and HMACs of
the email addresses and phone numbers they had, each keyed with a key derived from the
field key (kept with the secrets, never in the database), and a MAC over the line so that
an edited line is noticed. `rekisteri restore` reads the ledger and erases again every
person whose erasure the restored copy predates (rekisteri.backup.services).

This module sits at the lowest layer (docs/layers.md): erasure (rights) calls it.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from rekisteri.common.crypto import keyed_hash

VERSION = 1


class LedgerError(RuntimeError):
    """The ledger cannot be written or read; the message names the file, never a person."""


@dataclass(frozen=True)
class LedgerEntry:
    at: datetime
    subject: str
    identifiers: tuple[str, ...]


def subject_hash(person_id: int) -> str:
    return keyed_hash(str(person_id), purpose="erasure-ledger:person")


def _identifier_hash(value: str) -> str:
    return keyed_hash(value.strip().lower(), purpose="erasure-ledger:identifier")


def _mac(body: dict[str, Any]) -> str:
    return keyed_hash(json.dumps(body, sort_keys=True), purpose="erasure-ledger:line")


def ledger_path() -> Path:
    return Path(settings.ERASURE_LEDGER)


def erasure_ledger_append(
    *, person_id: int, contacts: Iterable[tuple[str, str]], at: datetime
) -> None:
    """Record one erasure (called by rights.erasure inside the erasure's transaction).

    `contacts` are the person's (kind, value) email addresses and phone numbers; only their
    keyed hashes are written. Fails loudly, so that the erasure's transaction rolls back."""
    body = {
        "v": VERSION,
        "at": at.isoformat(),
        "subject": subject_hash(person_id),
        "identifiers": sorted({_identifier_hash(value) for _kind, value in contacts if value}),
    }
    line = json.dumps({**body, "mac": _mac(body)}, sort_keys=True) + "\n"
    lines_append([line])


def lines_append(lines: list[str], path: Path | None = None) -> None:
    """Append whole lines and fsync the file (and, when it is new, its directory)."""
    path = path or ledger_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        new = not path.exists()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, "".join(lines).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except OSError as exc:
        raise LedgerError(f"the erasure ledger {path} cannot be written: {exc.strerror}") from exc


def ledger_lines(path: Path | None = None) -> list[str]:
    """The ledger's lines as written (none when there is no ledger yet)."""
    path = path or ledger_path()
    if not path.exists():
        return []
    return [line + "\n" for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ledger_entries(lines: Iterable[str]) -> list[LedgerEntry]:
    """Parse and check lines; a line whose MAC does not match (edited, or written with
    another field key) is an error naming its number, never skipped."""
    out = []
    for number, line in enumerate(lines, start=1):
        try:
            data = json.loads(line)
            mac = data.pop("mac")
            ok = hmac.compare_digest(mac, _mac(data))
            entry = LedgerEntry(
                at=datetime.fromisoformat(data["at"]),
                subject=data["subject"],
                identifiers=tuple(data["identifiers"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise LedgerError(f"erasure ledger line {number} is not a ledger entry") from exc
        if not ok:
            raise LedgerError(
                f"erasure ledger line {number} does not match its MAC: it was changed, or "
                "written with another field key"
            )
        out.append(entry)
    return out
