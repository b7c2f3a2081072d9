"""The group company's register lock: whoever checks for duplicates and then writes holds it
from the check to the commit — an import, and an API or form create — so two of them at once
cannot both find nothing and both write (issue 14 items 2 and 9)."""

from __future__ import annotations

from django.db import connection, transaction

from rekisteri.register.models import Controller

# pg_advisory_xact_lock(namespace, controller id): the namespace keeps our keys apart from
# any other advisory lock in the same database (crc32 of "rekisteri.register", as int32).
REGISTER_LOCK = 0x2D1E5A7C


def lock_register(controller: Controller) -> None:
    """Hold the group company's register lock until the transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed by the group company (writers into
    other group companies are not held up). SQLite: the transaction began with BEGIN
    IMMEDIATE (settings: transaction_mode), which already holds the database's one write
    lock, so writers are serialised; nothing more to take."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "lock_register() holds its lock until the transaction ends: call it inside one"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REGISTER_LOCK, controller.pk])
