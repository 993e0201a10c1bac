"""Job kinds and their handlers. Apps register handlers in their jobs.py."""

from collections.abc import Callable

from licensedesk.core import rows
from licensedesk.outbox.models import Job

HANDLERS: dict[str, Callable[[dict], None]] = {}


def handler(kind: str):
    """Register `func(payload)` as the handler of `kind` jobs."""

    def register(func):
        HANDLERS[kind] = func
        return func

    return register


def job(kind: str, payload: dict | None = None, *, run_at=None, max_attempts=8) -> Job:
    """A new job, not saved yet (`enqueue` saves it; `rows.save_new` saves it with other
    rows, in the transaction of the change)."""
    if kind not in HANDLERS:
        raise ValueError(f"No handler for job kind {kind!r}")
    fields = {"kind": kind, "payload": payload or {}, "max_attempts": max_attempts}
    if run_at is not None:
        fields["run_at"] = run_at
    return Job(**fields)


def enqueue(kind: str, payload: dict | None = None, *, run_at=None, max_attempts=8) -> Job:
    """Queue a job. Call it inside the transaction of the change, so both land or neither."""
    new = job(kind, payload, run_at=run_at, max_attempts=max_attempts)
    # One plain INSERT: atomic on its own, no savepoint inside the caller's transaction.
    rows.save_new(new)
    return new
