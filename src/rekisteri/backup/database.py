"""A consistent copy of the database while it is in use, and putting one back.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one read
transaction, so writers carry on (WAL) and the copy is one moment of the register.
PostgreSQL: `pg_dump` in its custom format, which dumps in one repeatable-read snapshot;
`pg_restore` puts it into an empty database. Both tools come from the PostgreSQL client
package and must be at least the server's major version.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection


class DatabaseBackupError(RuntimeError):
    """A dump or restore cannot run; the message says what to do, never shows data."""


def kind() -> str:
    return str(connection.vendor)


def _settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _pg_env() -> dict[str, str]:
    s = _settings()
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if s.get(key):
            env[var] = str(s[key])
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    env["PGDATABASE"] = str(s["NAME"])
    return env


def _tool(name: str) -> tuple[str, int]:
    """The PostgreSQL client tool on PATH and its major version."""
    path = shutil.which(name)
    if path is None:
        raise DatabaseBackupError(
            f"{name} is not on PATH: install the PostgreSQL client tools (the package "
            f"postgresql-client-{_server_major()} on Debian and Ubuntu)"
        )
    out = subprocess.run(  # noqa: S603 - the PostgreSQL client found on PATH
        [path, "--version"], capture_output=True, text=True, check=False
    )
    found = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    if out.returncode != 0 or found is None:
        raise DatabaseBackupError(f"{path} --version did not say its version")
    return path, int(found.group(1))


def _server_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _checked_tool(name: str) -> str:
    path, major = _tool(name)
    server = _server_major()
    if major < server:
        raise DatabaseBackupError(
            f"{name} is version {major} but the PostgreSQL server is version {server}: "
            f"install the PostgreSQL {server} client tools and put them first on PATH"
        )
    return path


def _errors(stderr: str) -> str:
    # pg_dump/pg_restore's DETAIL lines can quote row values; they are left out.
    lines = [
        line
        for line in stderr.splitlines()
        if line.strip() and "DETAIL" not in line and "Key (" not in line
    ]
    return "\n".join(lines[-5:])


def database_dump(target: Path) -> str:
    """Write a consistent copy of the database to `target`; returns the file's kind."""
    if kind() == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        copy = sqlite3.connect(target)
        try:
            # pages=-1 (the default): every page in one step, one read transaction.
            source.backup(copy)
        finally:
            copy.close()
        return "sqlite"
    pg_dump = _checked_tool("pg_dump")
    done = subprocess.run(  # noqa: S603 - the PostgreSQL client found on PATH, no shell
        [pg_dump, "--format=custom", "--no-password", f"--file={target}"],
        env=_pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise DatabaseBackupError(f"pg_dump failed:\n{_errors(done.stderr)}")
    return "postgresql"


def database_is_empty() -> bool:
    """No table in the configured database (a new SQLite file, or a new PG database)."""
    if kind() == "sqlite":
        name = str(_settings()["NAME"])
        if not Path(name).exists():
            return True
        with sqlite3.connect(name) as probe:
            (count,) = probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return int(count) == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        (count,) = cursor.fetchone()
    return int(count) == 0


def database_restore(source: Path, dumped_kind: str) -> None:
    """Put a copy into the configured (empty) database."""
    if dumped_kind != kind():
        raise DatabaseBackupError(
            f"this backup holds a {dumped_kind} database but Rekisteri is configured for "
            f"{kind()}: set DATABASE_URL as it was when the backup was made"
        )
    if kind() == "sqlite":
        name = Path(str(_settings()["NAME"]))
        connection.close()
        name.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, name)
        os.chmod(name, 0o600)
        return
    pg_restore = _checked_tool("pg_restore")
    connection.close()
    done = subprocess.run(  # noqa: S603 - the PostgreSQL client found on PATH, no shell
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={_settings()['NAME']}",
            str(source),
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise DatabaseBackupError(f"pg_restore failed:\n{_errors(done.stderr)}")
