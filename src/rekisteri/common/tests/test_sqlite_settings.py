"""The SQLite connection settings that erasure and performance rely on."""

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_sqlite_connection_settings() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1  # freed pages are zeroed (erasure, docs/erasure.md)
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA cache_size")
        # REKISTERI_SQLITE_CACHE_MB (default 128 MiB) instead of SQLite's 2 MiB
        assert cursor.fetchone()[0] == -settings.SQLITE_CACHE_MB * 1024 < -2048
