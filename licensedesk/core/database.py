"""What differs between the two databases licensedesk runs on, kept in this one module:
making and loading a consistent copy of the whole database (`licensedesk backup`/`restore`).
Everything else runs the same code on both."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

SUFFIX = {"sqlite": "sqlite3", "postgresql": "pgdump"}


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
    if settings_dict["ENGINE"].endswith("sqlite3"):
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
