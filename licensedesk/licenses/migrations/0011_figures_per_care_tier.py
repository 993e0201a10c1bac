"""The Dashboard's covering index of a company's figures holds each Care tier's end instead
of the one Care end, which 0012 drops. On PostgreSQL rebuilt CONCURRENTLY, so that
registering licenses is not blocked meanwhile (the Dashboard reads the table until it is
back); other databases ignore INCLUDE and keep the plain index on the company."""

from django.db import migrations, models

NAME = "license_org_figures_idx"
BASE = ["device_licenses", "devices_used", "customer", "registered_at"]
OLD_INCLUDE = [*BASE, "care_ends_on"]
NEW_INCLUDE = [*BASE, "care_plus_ends_on", "care_premium_ends_on"]


def _index(include):
    return models.Index(fields=["organization"], include=include, name=NAME)


def _rebuild(apps, schema_editor, drop, create):
    License = apps.get_model("licenses", "License")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(License, drop)
        schema_editor.add_index(License, create)
        return
    columns = ", ".join(f'"{License._meta.get_field(name).column}"' for name in create.include)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{NAME}"')
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{NAME}" ON "licenses_license" '
        f'("organization_id") INCLUDE ({columns})'
    )


def forwards(apps, schema_editor):
    _rebuild(apps, schema_editor, _index(OLD_INCLUDE), _index(NEW_INCLUDE))


def backwards(apps, schema_editor):
    _rebuild(apps, schema_editor, _index(NEW_INCLUDE), _index(OLD_INCLUDE))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("licenses", "0010_care_tiers_from_periods"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
            state_operations=[
                migrations.RemoveIndex(model_name="license", name=NAME),
                migrations.AddIndex(model_name="license", index=_index(NEW_INCLUDE)),
            ],
        ),
    ]
