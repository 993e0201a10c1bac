"""The company's covering index also holds the customer, the registration time and the Care
end: the Dashboard counts and sums all of a company's figures in one pass over it (where it
read the licenses four times for a License User). On PostgreSQL built CONCURRENTLY before the
index it replaces is dropped, so that registering licenses is not blocked meanwhile; other
databases ignore INCLUDE and get the plain index on the company."""

from django.db import migrations, models

OLD = "license_org_devices_idx"
NEW = "license_org_figures_idx"
OLD_INCLUDE = ["device_licenses", "devices_used"]
NEW_INCLUDE = ["device_licenses", "devices_used", "customer", "registered_at", "care_ends_on"]


def _index(name, include):
    return models.Index(fields=["organization"], include=include, name=name)


def _swap(apps, schema_editor, drop, create):
    License = apps.get_model("licenses", "License")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(License, drop)
        schema_editor.add_index(License, create)
        return
    columns = ", ".join(
        f'"{License._meta.get_field(name).column}"' for name in create.include
    )
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{create.name}" ON "licenses_license" '
        f'("organization_id") INCLUDE ({columns})'
    )
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{drop.name}"')


def forwards(apps, schema_editor):
    _swap(apps, schema_editor, _index(OLD, OLD_INCLUDE), _index(NEW, NEW_INCLUDE))


def backwards(apps, schema_editor):
    _swap(apps, schema_editor, _index(NEW, NEW_INCLUDE), _index(OLD, OLD_INCLUDE))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("licenses", "0007_search_document_company_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
            state_operations=[
                migrations.RemoveIndex(model_name="license", name=OLD),
                migrations.AddIndex(model_name="license", index=_index(NEW, NEW_INCLUDE)),
            ],
        ),
    ]
