"""PostgreSQL plan choice for the hot write paths.

Connections plan every statement for its actual values (`plan_cache_mode=force_custom_plan`,
settings.py): generic plans made a License User's Licenses page ten times slower. The hot
write paths, though, are key lookups and inserts whose plan never depends on the values, and
planning them again at every call cost PostgreSQL 1.6 ms of an activation's 3.5
(docs/benchmarks.md): there, `generic_plans()` lets the prepared statements keep one plan."""

from contextlib import contextmanager, suppress

from django.db import DatabaseError, connection

from licensedesk.core import rows


@contextmanager
def generic_plans():
    if connection.vendor != "postgresql":
        yield
        return
    rows.execute("SET plan_cache_mode = force_generic_plan")
    try:
        yield
    finally:
        # If the transaction failed, its rollback undoes the SET as well, and a broken
        # connection is closed at the end of the request.
        with suppress(DatabaseError):
            rows.execute("RESET plan_cache_mode")
