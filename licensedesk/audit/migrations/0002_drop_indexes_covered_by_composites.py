"""Drop the index of the company foreign key: the index (organization, -created_at) starts
with it and serves every lookup by it. Only the index goes (an AlterField would re-check the
foreign key on PostgreSQL and copy the table on SQLite)."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "audit_auditevent_organization_id_4b1fe3b9"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "audit_auditevent" ("organization_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audit_events",
                        to="accounts.organization",
                    ),
                )
            ],
        ),
    ]
