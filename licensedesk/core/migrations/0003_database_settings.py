"""PostgreSQL: JIT off and no parallel workers, set on the database itself rather than as
connection start-up options, which transaction-mode poolers (PgBouncer) refuse. Short OLTP
queries only lose by either (docs/benchmarks.md). Nothing to do on SQLite."""

from django.db import migrations

SETTINGS = ("jit", "max_parallel_workers_per_gather")
VALUES = {"jit": "off", "max_parallel_workers_per_gather": "0"}


def _alter(schema_editor, statements: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # A role that does not own the database may not change its settings: say so and go on.
    schema_editor.execute(
        "DO $$ BEGIN " + statements + " EXCEPTION WHEN insufficient_privilege THEN RAISE WARNING "
        "'licensedesk: could not change database settings (see docs/deploy.md)'; END $$",
        params=None,
    )


def set_settings(apps, schema_editor):
    _alter(
        schema_editor,
        " ".join(
            f"EXECUTE format('ALTER DATABASE %I SET {name} = {VALUES[name]}', current_database());"
            for name in SETTINGS
        ),
    )


def reset_settings(apps, schema_editor):
    _alter(
        schema_editor,
        " ".join(
            f"EXECUTE format('ALTER DATABASE %I RESET {name}', current_database());"
            for name in SETTINGS
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_bucket_stamp")]
    operations = [migrations.RunPython(set_settings, reset_settings, elidable=False)]
