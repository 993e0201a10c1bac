"""Trigram (pg_trgm) GIN indexes for the Licenses search (`icontains` on the SLC and the
description), on PostgreSQL only. SQLite has no pg_trgm: there the migration does nothing.

The index expressions are exactly what Django's `icontains` sends on PostgreSQL,
`UPPER("column"::text) LIKE UPPER('%…%')`, or the planner could not use them. The indexes
are built CONCURRENTLY (a non-atomic migration) so registering licenses is not blocked while
they build. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create
it. (A btree_gin column for the company would not help: Django compares the bigint
organization_id with an int literal, a cross-type operator btree_gin cannot index.)
"""

from django.db import migrations

TABLE = "licenses_license"
INDEXES = {
    "licenses_license_code_trgm": 'UPPER("code"::text)',
    "licenses_license_description_trgm": 'UPPER("description"::text)',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{TABLE}" '
            f"USING gin (({expression}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("licenses", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
