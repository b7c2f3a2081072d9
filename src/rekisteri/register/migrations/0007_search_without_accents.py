"""Names are searched without case or accents ("valily" finds "Välilyönti"): persons' search
names are written again in that form (common.text.search_key), and organisations get a
search name of their own, indexed like the persons'. In batches, by primary key."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

BATCH = 2000


def backfill(apps: Any, schema_editor: Any) -> None:
    from rekisteri.common.text import search_key

    for model_name, key in (
        ("Person", lambda row: search_key(f"{row.last_name} {row.first_name}")),
        ("Organization", lambda row: search_key(row.name)),
    ):
        model = apps.get_model("register", model_name)
        fields = (
            ["pk", "first_name", "last_name", "search_name"]
            if model_name == "Person"
            else ["pk", "name", "search_name"]
        )
        last = 0
        while True:
            rows = list(model.objects.filter(pk__gt=last).order_by("pk").only(*fields)[:BATCH])
            if not rows:
                break
            changed = []
            for row in rows:
                value = key(row)
                if row.search_name != value:
                    row.search_name = value
                    changed.append(row)
            model.objects.bulk_update(changed, ["search_name"])
            last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0006_personnummer_one_form"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_name",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(
                fields=["controller", "search_name"], name="register_or_control_d89671_idx"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
