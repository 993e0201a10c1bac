"""Each Health row keeps its installation's license (`Health.license`), filled from the
installations in one statement, then required. Not atomic: on PostgreSQL the filled rows'
deferred foreign-key checks would still be pending when the column is made NOT NULL."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_licenses(apps, schema_editor):
    Health = apps.get_model("monitoring", "Health")
    Installation = apps.get_model("monitoring", "Installation")
    license_of = Installation.objects.filter(pk=OuterRef("installation_id")).values("license_id")
    Health.objects.update(license_id=Subquery(license_of[:1]))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("licenses", "0006_search_document_index"),
        ("monitoring", "0007_device_licenses"),
    ]

    operations = [
        migrations.AddField(
            model_name="health",
            name="license",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="licenses.license",
            ),
        ),
        migrations.RunPython(fill_licenses, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="health",
            name="license",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="licenses.license",
            ),
        ),
    ]
