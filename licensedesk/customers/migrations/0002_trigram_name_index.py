"""A trigram (pg_trgm) GIN index for searching customers by a fragment of their name
(`name__icontains`, used by the Licenses search), on PostgreSQL only; nothing on SQLite.

The expression is what Django's `icontains` sends on PostgreSQL: UPPER("name"::text).
Built CONCURRENTLY (non-atomic migration). pg_trgm is a trusted extension (PostgreSQL 13+).
"""

from django.db import migrations

INDEX = "customers_customer_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{INDEX}" ON "customers_customer" '
        'USING gin ((UPPER("name"::text)) gin_trgm_ops)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
