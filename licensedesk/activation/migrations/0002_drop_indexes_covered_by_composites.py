"""Drop the single-column indexes of three foreign keys: a unique constraint that starts with
the same column serves every lookup by it (cascades included), and each index cost every
activation an insert per device. Only the indexes go: the constraints stay as they are (an
AlterField would re-check every foreign key on PostgreSQL and copy the tables on SQLite)."""

import django.db.models.deletion
from django.db import migrations, models

# (model, field, table, column, index Django named when it made the field)
INDEXES = [
    ("activation", "license", "activation_activation", "license_id", "8e8d3f32"),
    ("activedevice", "installation", "activation_activedevice", "installation_id", "ccfee057"),
    ("installation", "license", "activation_installation", "license_id", "8239ed24"),
]
TARGETS = {
    "activation": ("licenses.license", "activations"),
    "activedevice": ("activation.installation", "devices"),
    "installation": ("licenses.license", "installations"),
}


def _index(table, column, suffix):
    return f"{table}_{column}_{suffix}"


class Migration(migrations.Migration):
    dependencies = [
        ("activation", "0001_initial"),
        ("licenses", "0003_search_parts_from_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{_index(table, column, suffix)}"',
                    f'CREATE INDEX "{_index(table, column, suffix)}" ON "{table}" ("{column}")',
                )
                for _, _, table, column, suffix in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name=field,
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name=TARGETS[model][1],
                        to=TARGETS[model][0],
                    ),
                )
                for model, field, *_ in INDEXES
            ],
        ),
    ]
