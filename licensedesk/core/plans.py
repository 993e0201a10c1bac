"""PostgreSQL plan choice for the hot write paths.

Connections plan every statement for its actual values (`plan_cache_mode=force_custom_plan`,
settings.py): generic plans made a License User's Licenses page ten times slower. The hot
write paths, though, are key lookups and inserts whose plan never depends on the values, and
planning them again at every call cost PostgreSQL 1.6 ms of an activation's 3.5
(docs/benchmarks.md): there, `generic_plans()` lets the prepared statements keep one plan,
and bulk inserts call `generic_plans_until_commit()` for their foreign-key checks."""

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


def generic_plans_until_commit() -> None:
    """For the rest of the current transaction (PostgreSQL; call inside `atomic`), plan
    statements generically, the foreign-key checks PostgreSQL runs at COMMIT included. Those
    checks are prepared plans as well: planned again for each inserted row, the 10,000 checks
    of a new 10,000-license group took 730-1,110 ms at COMMIT instead of 280-355 ms
    (docs/benchmarks.md). For bulk inserts into tables with foreign keys."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        rows.execute("SET LOCAL plan_cache_mode = force_generic_plan")
