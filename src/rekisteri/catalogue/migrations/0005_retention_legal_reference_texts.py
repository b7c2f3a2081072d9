"""A retention rule's legal reference in every language ({fi, sv, en}), as its description:
a Finnish page cites "kirjanpitolaki", a Swedish one "bokföringslagen". A reference stored as
one text is kept for all three languages."""

from django.db import migrations, models

LANGS = ("fi", "sv", "en")


def to_texts(apps, schema_editor):
    RetentionRule = apps.get_model("catalogue", "RetentionRule")
    for rule in RetentionRule.objects.exclude(legal_reference="").iterator():
        rule.legal_reference_texts = {lang: rule.legal_reference for lang in LANGS}
        rule.save(update_fields=["legal_reference_texts"])


def to_text(apps, schema_editor):
    RetentionRule = apps.get_model("catalogue", "RetentionRule")
    for rule in RetentionRule.objects.iterator():
        texts = rule.legal_reference_texts or {}
        rule.legal_reference = (texts.get("en") or next(iter(texts.values()), ""))[:255]
        rule.save(update_fields=["legal_reference"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_typed_catalogue_documents")]

    operations = [
        migrations.AddField(
            model_name="retentionrule",
            name="legal_reference_texts",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(to_texts, to_text),
        migrations.RemoveField(model_name="retentionrule", name="legal_reference"),
        migrations.RenameField(
            model_name="retentionrule", old_name="legal_reference_texts", new_name="legal_reference"
        ),
    ]
