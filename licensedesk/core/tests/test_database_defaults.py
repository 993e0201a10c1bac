"""The PostgreSQL defaults work behind a transaction-mode pooler (PgBouncer): nothing but
Django's own connection parameters, no prepared statements, no server-side cursors; JIT and
parallel workers are turned off on the database itself by a migration."""

import importlib
import io

import pytest
from django.core.management import call_command
from django.db import connection

from licensedesk.core.testing import needs_postgresql


def _settings_for(monkeypatch, url):
    import licensedesk.settings as module

    monkeypatch.setenv("DATABASE_URL", url)
    return importlib.reload(module).DATABASES["default"]


def test_the_postgresql_connection_asks_for_nothing_a_pooler_refuses(monkeypatch):
    try:
        db = _settings_for(monkeypatch, "postgres://u@db.example:6432/licensedesk")
    finally:
        monkeypatch.undo()
        import licensedesk.settings as module

        importlib.reload(module)
    options = db.get("OPTIONS", {})
    assert "options" not in options  # start-up parameters that PgBouncer rejects
    assert not options.get("server_side_binding")
    assert options.get("prepare_threshold") is None
    assert db["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert db["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db(transaction=True)
def test_new_connections_run_without_jit_or_parallel_workers():
    needs_postgresql("the settings are PostgreSQL's")
    connection.close()  # the migration's ALTER DATABASE applies to new connections
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_the_sqlite_database_file_is_readable_by_its_owner_only(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LICENSEDESK_DATA_DIR", str(tmp_path))
    older = tmp_path / "licensedesk.sqlite3"
    try:
        db = _settings_for(monkeypatch, "")
        assert db["NAME"] == older
        assert older.stat().st_mode & 0o777 == 0o600
        older.chmod(0o644)  # made by an earlier version
        _settings_for(monkeypatch, "")
        assert older.stat().st_mode & 0o777 == 0o600
    finally:
        monkeypatch.undo()
        import licensedesk.settings as module

        importlib.reload(module)


@pytest.mark.django_db
def test_the_system_checks_find_nothing_to_warn_about_on_this_database():
    # What `licensedesk serve` prints at start: nothing, on SQLite (which builds the covering
    # index without its included columns) as on PostgreSQL.
    call_command("check", "--database", "default", "--fail-level", "WARNING", stdout=io.StringIO())
