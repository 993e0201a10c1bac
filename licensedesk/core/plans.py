"""PostgreSQL plan choice for the hot write paths.

Connections plan every statement for its actual values (`plan_cache_mode=force_custom_plan`,
settings.py): generic plans made a License User's Licenses page ten times slower. The hot
write paths, though, are key lookups and inserts whose plan never depends on the values, and
planning them again at every call cost PostgreSQL 1.6 ms of an activation's 3.5
(docs/benchmarks.md), the API token's lookup alone 0.3 ms. So:

- `serve_generically(method, path)`: requests of that method to paths matching that regular
  expression run with generic plans from their start (the token's lookup included), set by
  `PlanModeMiddleware`; every other request runs with custom plans again. The mode stays on
  the connection between requests, so a stream of such requests on one connection costs no
  statement at all, and a switch costs one (SET or RESET).
- `generic_plans_until_commit()`: bulk inserts plan generically for the rest of their
  transaction, the foreign-key checks PostgreSQL runs at COMMIT included.

A plan mode never changes what a statement returns, only how long it takes."""

import re

from django.db import connection

from licensedesk.core import rows

_GENERIC_PATHS: list[tuple[str, re.Pattern]] = []
# Kept on the driver's connection (a new one has neither: custom plans): whether it plans
# generically, and whether it does once the current transaction is rolled back.
_MODE = "_licensedesk_generic_plans"
_MODE_AFTER_ROLLBACK = "_licensedesk_generic_plans_after_rollback"


def serve_generically(method: str, path: str) -> None:
    """Serve requests of `method` whose path (all of it) matches the regular expression
    `path` with generic plans. Call it from an AppConfig.ready()."""
    _GENERIC_PATHS.append((method, re.compile(path)))


def wants_generic_plans(method: str, path: str) -> bool:
    return any(method == m and pattern.fullmatch(path) for m, pattern in _GENERIC_PATHS)


def plan_generically(wanted: bool) -> None:
    """Put this thread's connection in the wanted mode, if it is not in it already."""
    if connection.vendor != "postgresql":
        return
    raw = connection.connection
    if raw is None:  # not connected: a new connection plans custom plans
        if not wanted:
            return
        connection.ensure_connection()
        raw = connection.connection
    if getattr(raw, _MODE, False) == wanted:  # a new connection plans custom plans
        return
    rows.execute("SET plan_cache_mode = force_generic_plan" if wanted else "RESET plan_cache_mode")
    setattr(raw, _MODE, wanted)
    if not connection.in_atomic_block:
        setattr(raw, _MODE_AFTER_ROLLBACK, wanted)


def forget_rolled_back_plan_mode() -> None:
    """Requests run outside transactions (ATOMIC_REQUESTS is off), so the mode they set
    stays. A test's requests run inside its transaction, whose rollback undoes a mode set in
    it: each test starts by going back to the mode set outside transactions."""
    raw = connection.connection if connection.vendor == "postgresql" else None
    if raw is not None:
        setattr(raw, _MODE, getattr(raw, _MODE_AFTER_ROLLBACK, False))


class PlanModeMiddleware:
    """Each request in the plan mode its path wants (`serve_generically`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        plan_generically(wants_generic_plans(request.method, request.path_info))
        return self.get_response(request)


def generic_plans_until_commit() -> None:
    """For the rest of the current transaction (PostgreSQL; call inside `atomic`), plan
    statements generically, the foreign-key checks PostgreSQL runs at COMMIT included. Those
    checks are prepared plans as well: planned again for each inserted row, the 10,000 checks
    of a new 10,000-license group took 730-1,110 ms at COMMIT instead of 280-355 ms
    (docs/benchmarks.md). For bulk inserts into tables with foreign keys."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        rows.execute("SET LOCAL plan_cache_mode = force_generic_plan")
