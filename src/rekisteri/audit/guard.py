"""Database triggers that refuse UPDATE and DELETE on the audit trail's tables.

The application has no update or delete path for audit events (the model refuses both);
these triggers make the database refuse them too, for any client that is not a database
administrator who first drops them. What an administrator can do anyway, the hash chain
detects: `rekisteri audit verify`.

Django's `flush` (which empties every table) is refused by them on SQLite, where it
deletes (on PostgreSQL it truncates, which row triggers do not see). The test runner, which
flushes between transactional tests, lifts the guard while it runs (rekisteri.testing.audit):
emptying the whole database removes the chain and its head together. The product itself
ships no command that lifts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

GUARDED_TABLES = ("audit_auditevent", "audit_auditsubject")
MESSAGE = "audit trail is append-only"


def _sqlite_install(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def _sqlite_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
    ]


PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION rekisteri_audit_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
    "END $$"
)


def _pg_install(table: str) -> list[str]:
    # Row triggers: TRUNCATE (used by flush) is not refused, see the module comment.
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION rekisteri_audit_append_only()",
    ]


def _pg_remove(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]


def install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [sql for t in GUARDED_TABLES for sql in _sqlite_install(t)]
    if vendor == "postgresql":
        return [PG_FUNCTION, *(sql for t in GUARDED_TABLES for sql in _pg_install(t))]
    return []


def remove_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [sql for t in GUARDED_TABLES for sql in _sqlite_remove(t)]
    if vendor == "postgresql":
        return [sql for t in GUARDED_TABLES for sql in _pg_remove(t)]
    return []


def guard_install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in install_sql(connection.vendor):
            cursor.execute(sql)


def guard_remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in remove_sql(connection.vendor):
            cursor.execute(sql)


@contextmanager
def audit_guard_lifted(using: str = "default") -> Iterator[None]:
    """Drop the triggers for the duration (flush; tests that play the database admin)."""
    connection = connections[using]
    guard_remove(connection)
    try:
        yield
    finally:
        guard_install(connection)
