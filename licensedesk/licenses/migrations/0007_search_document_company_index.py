"""On PostgreSQL, the trigram index of the search document also holds each license's company
(a GIN index over both columns, which needs btree_gin for the company's id): a company's
search then looks its words up among its own licenses, not among a million of every
company's, and no bitmap of the company's licenses is built to intersect with them. A GIN
index over two columns serves a condition on either alone as well (the back office's search
across companies), so it replaces the document's index of 0006. Built CONCURRENTLY; SQLite
has neither extension, and there the migration does nothing."""

from django.db import migrations

NAME = "license_company_search_trgm"
OLD = "licenses_license_search_trgm"


def _create(schema_editor, name, columns):
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "licenses_license" USING gin '
        f"({columns})"
    )


def replace_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    _create(schema_editor, NAME, '"organization_id", "search_document" gin_trgm_ops')
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{OLD}"')


def restore_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _create(schema_editor, OLD, '"search_document" gin_trgm_ops')
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("licenses", "0006_search_document_index"),
    ]

    operations = [
        migrations.RunPython(replace_index, restore_index, elidable=False),
    ]
