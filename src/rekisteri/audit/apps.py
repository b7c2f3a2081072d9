from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _reinstall_guard(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    # SQLite rebuilds a table to alter it, which drops its triggers: put them back after
    # every migrate (idempotent).
    from rekisteri.audit.guard import GUARDED_TABLES, guard_install

    connection = connections[using]
    if set(GUARDED_TABLES) <= set(connection.introspection.table_names()):
        guard_install(connection)


class AuditConfig(AppConfig):
    name = "rekisteri.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_guard, sender=self, dispatch_uid="rekisteri-audit-guard")
