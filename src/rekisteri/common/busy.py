"""A database that is busy: another transaction holds the lock a request needs.

SQLite answers "database is locked" after its busy timeout (20 s, settings.py), or "database
table is locked" between connections of one shared cache; PostgreSQL answers a lock timeout
(`lock_timeout`, SQLSTATE 55P03), a deadlock (40P01) or a serialisation failure (40001).
Each is worth trying again shortly, so the answer is 503 with Retry-After: JSON on the API
(api/errors.py), a page for staff (common.middleware.DatabaseBusyMiddleware).
"""

from __future__ import annotations

from django.db import OperationalError

#: seconds a client is asked to wait before trying again
RETRY_AFTER = 10

_SQLITE = ("database is locked", "database table is locked", "database schema is locked")
_POSTGRES = {"55P03", "40P01", "40001"}


def database_busy(exc: BaseException) -> bool:
    """True for an error that says the database is busy (a lock), not that the query is wrong."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state in _POSTGRES:
        return True
    return any(text in str(exc) for text in _SQLITE)
