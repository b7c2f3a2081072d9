from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("interactions", "0002_fewer_indexes")]

    operations = [
        migrations.RenameField(model_name="communication", old_name="kind", new_name="channel"),
        migrations.AlterField(
            model_name="communication",
            name="channel",
            field=models.CharField(
                choices=[
                    ("email_in", "email received"),
                    ("email_out", "email sent"),
                    ("letter_in", "letter received"),
                    ("letter_out", "letter sent"),
                    ("meeting", "meeting"),
                    ("social", "social media message"),
                    ("feedback", "feedback"),
                    ("note", "note"),
                ],
                max_length=16,
                verbose_name="channel",
            ),
        ),
    ]
