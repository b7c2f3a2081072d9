"""Index existing events by person, then make the audit tables append-only in the database
(triggers refusing UPDATE and DELETE; see rekisteri/audit/guard.py)."""

from django.db import migrations


def backfill_subjects(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditSubject = apps.get_model("audit", "AuditSubject")
    batch = []
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        ids = set(event.person_ids or [])
        if event.person_id is not None:
            ids.add(event.person_id)
        batch.extend(AuditSubject(event_id=event.pk, person_id=pid) for pid in sorted(ids))
        if len(batch) >= 5000:
            AuditSubject.objects.bulk_create(batch)
            batch = []
    AuditSubject.objects.bulk_create(batch)


def install(apps, schema_editor):
    from rekisteri.audit.guard import install_sql

    for sql in install_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    from rekisteri.audit.guard import remove_sql

    for sql in remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_auditsubject")]

    operations = [
        migrations.RunPython(backfill_subjects, migrations.RunPython.noop),
        migrations.RunPython(install, remove),
    ]
