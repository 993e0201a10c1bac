"""PostgreSQL plan choice for the hot write paths.

Connections plan every statement for its actual values (`plan_cache_mode=force_custom_plan`,
settings.py): generic plans made a License User's Licenses page ten times slower. The hot
write paths, though, are key lookups and inserts whose plan never depends on the values, and
planning them again at every call cost PostgreSQL 1.6 ms of an activation's 3.5
(docs/benchmarks.md): there, `generic_plans()` lets the prepared statements keep one plan."""

from contextlib import contextmanager

from django.db import DatabaseError, connection


def _set(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET plan_cache_mode = {value}")  # noqa: S608 - two constants


@contextmanager
def generic_plans():
    if connection.vendor != "postgresql":
        yield
        return
    _set("force_generic_plan")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET plan_cache_mode")
        except DatabaseError:
            # The transaction failed: its rollback undoes the SET as well, and a broken
            # connection is closed at the end of the request.
            pass
