from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created


def _sqlite_pragmas(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers work while a writer commits; secure_delete overwrites freed pages so
    # that erased values do not linger in the database file (Art. 17, see docs/erasure.md).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # SQLite's default page cache is 2 MB: at a million persons every index insert
            # of an import or a sweep would read its B-tree pages again (docs/performance.md).
            cache_mb = int(getattr(settings, "SQLITE_CACHE_MB", 0))
            if cache_mb > 0:
                cursor.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")


class CommonConfig(AppConfig):
    name = "rekisteri.common"
    label = "common"

    def ready(self) -> None:
        connection_created.connect(_sqlite_pragmas, dispatch_uid="rekisteri-sqlite-pragmas")
