import django.db.models.deletion
from django.db import migrations, models


def owning_company(apps, schema_editor):  # type: ignore[no-untyped-def]
    """A request recorded by staff that names nobody yet belongs to the company of the DPO
    who recorded it, when they have exactly one; others stay visible to every DPO."""
    RightsRequest = apps.get_model("rights", "RightsRequest")
    RequestSubject = apps.get_model("rights", "RequestSubject")
    StaffProfile = apps.get_model("access", "StaffProfile")
    named = RequestSubject.objects.values("request_id")
    for r in RightsRequest.objects.exclude(pk__in=named).exclude(created_by=""):
        profile = StaffProfile.objects.filter(user__username=r.created_by).first()
        if profile is None:
            continue
        companies = list(profile.controllers.values_list("pk", flat=True))
        if len(companies) == 1:
            r.controller_id = companies[0]
            r.save(update_fields=["controller"])


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_groupshare"),
        ("register", "0004_person_restricted_index"),
        ("rights", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="rightsrequest",
            name="controller",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="register.controller",
            ),
        ),
        migrations.RunPython(owning_company, migrations.RunPython.noop),
    ]
