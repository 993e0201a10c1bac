"""Each license's search document (`licenses.search`), filled for the licenses there are."""

from django.db import migrations, models


def fill(apps, schema_editor):
    # The application's own builder: it reads and writes named columns only, all of which
    # exist from here on.
    from licensedesk.licenses import search
    from licensedesk.licenses.models import License

    search.refresh(License.objects.using(schema_editor.connection.alias).all())


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0004_care_start_and_devices_index"),
        ("license_groups", "0003_membership_drop_added_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="license",
            name="search_document",
            field=models.TextField(blank=True, default="", db_default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
