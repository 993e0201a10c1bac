"""A trigram (pg_trgm) GIN index on the search document, on PostgreSQL only: a search's
words (`search_document LIKE '%word%'`, what Django's `contains` sends) are looked up in it
together. Built CONCURRENTLY so that registering licenses is not blocked meanwhile; SQLite
has no pg_trgm, and there the migration does nothing."""

from django.db import migrations

NAME = "licenses_license_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{NAME}" ON "licenses_license" '
        'USING gin ("search_document" gin_trgm_ops)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("licenses", "0005_search_document"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
