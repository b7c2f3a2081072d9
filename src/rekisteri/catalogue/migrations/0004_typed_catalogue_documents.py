"""Give every loaded version its typed catalogue (what the snapshot is now made from).

A version of the first format (role flags) is converted as `rekisteri catalogue migrate`
would; one that still does not validate keeps no document, and reading it says to load the
catalogue again.
"""

from django.db import migrations


def documents(apps, schema_editor):
    from rekisteri.catalogue.migrate import MigrateError, migrate_text
    from rekisteri.catalogue.schema import CatalogueError, parse_catalogue

    CatalogueVersion = apps.get_model("catalogue", "CatalogueVersion")
    for version in CatalogueVersion.objects.filter(document__isnull=True).iterator():
        text = version.source_text
        try:
            catalogue = parse_catalogue(text)
        except CatalogueError:
            try:
                catalogue = parse_catalogue(migrate_text(text)[0])
            except (CatalogueError, MigrateError):
                continue
        version.document = catalogue.model_dump(mode="json")
        version.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_typed_catalogue")]

    operations = [migrations.RunPython(documents, migrations.RunPython.noop)]
