"""The Installation model now lives in the monitoring app (its migration 0004 takes it over,
table and rows unchanged): activation's foreign keys point there, and activation forgets the
model. Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activation", "0002_drop_indexes_covered_by_composites"),
        ("monitoring", "0004_installation_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="activedevice",
                    name="installation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="devices",
                        to="monitoring.installation",
                    ),
                ),
                migrations.AlterField(
                    model_name="activation",
                    name="installation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activations",
                        to="monitoring.installation",
                    ),
                ),
                migrations.DeleteModel(name="Installation"),
            ],
            database_operations=[],
        ),
    ]
