"""Where PostgreSQL and SQLite are worth treating differently: the one place application code
may ask which database it runs on. Everything else is the ORM, the same on both.

- `insert_rows`: COPY for the thousands of devices of a large license request;
- `dump`/`load`: a consistent copy of the whole database (`licensedesk backup`/`restore`)."""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.db import connection, connections, router

SUFFIX = {"sqlite": "sqlite3", "postgresql": "pgdump"}


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert new rows of `model`: `fields` names every column but the primary key (a foreign
    key by its field's name, its value an id), each row holds their values in that order, as
    the database driver takes them (text, numbers, datetimes; no JSON, no defaults applied).
    PostgreSQL takes them by COPY, faster than INSERT for the thousands of devices of a large
    license request (docs/benchmarks.md); elsewhere bulk_create. Raises IntegrityError as the
    ORM does."""
    db = connections[router.db_for_write(model)]
    columns = [model._meta.get_field(name) for name in fields]
    wanted = {field.column for field in model._meta.concrete_fields if not field.primary_key}
    if {field.column for field in columns} != wanted:
        raise ValueError(f"insert_rows needs every column of {model.__name__} but its key")
    if db.vendor != "postgresql":
        attnames = [field.attname for field in columns]
        model._default_manager.using(db.alias).bulk_create(
            [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        )
        return
    table = db.ops.quote_name(model._meta.db_table)
    names = ", ".join(db.ops.quote_name(field.column) for field in columns)
    with (
        db.cursor() as cursor,
        db.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def kind(settings_dict: dict | None = None) -> str:
    """ "sqlite" or "postgresql": what a backup was made of, or the database of
    `settings_dict` (by default the configured one) is."""
    if settings_dict is None:
        return connection.vendor
    return "sqlite" if settings_dict["ENGINE"].endswith("sqlite3") else "postgresql"


class DatabaseToolMissing(RuntimeError):
    pass


def _pg_environment(settings_dict: dict) -> dict:
    environment = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseToolMissing(f"{name} is not installed (Debian: postgresql-client).")
    return found


def dump(target: Path) -> None:
    """A consistent copy of the database as it is now, while it keeps serving: SQLite's online
    backup API, PostgreSQL's pg_dump (custom format, one snapshot)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return
    subprocess.run(  # noqa: S603 - our own argument list, no shell
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"],
        env=_pg_environment(connection.settings_dict),
        check=True,
    )


def load(source: Path, settings_dict: dict | None = None) -> None:
    """Load a copy made by `dump` into the (empty) database of `settings_dict`, by default
    the configured one."""
    settings_dict = settings_dict or connection.settings_dict
    if kind(settings_dict) == "sqlite":
        original, target = sqlite3.connect(source), sqlite3.connect(settings_dict["NAME"])
        try:
            original.backup(target)
        finally:
            original.close()
            target.close()
        return
    subprocess.run(  # noqa: S603 - our own argument list, no shell
        [
            _tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            str(source),
        ],
        env=_pg_environment(settings_dict),
        check=True,
    )


def is_empty() -> bool:
    return not connection.introspection.table_names()
