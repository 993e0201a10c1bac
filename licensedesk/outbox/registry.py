"""Job kinds and their handlers. Apps register handlers in their jobs.py."""

from collections.abc import Callable

from licensedesk.outbox.models import Job

HANDLERS: dict[str, Callable[[dict], None]] = {}


def handler(kind: str):
    """Register `func(payload)` as the handler of `kind` jobs."""

    def register(func):
        HANDLERS[kind] = func
        return func

    return register


def enqueue(kind: str, payload: dict | None = None, *, run_at=None, max_attempts=8) -> Job:
    """Queue a job. Call it inside the transaction of the change, so both land or neither."""
    if kind not in HANDLERS:
        raise ValueError(f"No handler for job kind {kind!r}")
    fields = {"kind": kind, "payload": payload or {}, "max_attempts": max_attempts}
    if run_at is not None:
        fields["run_at"] = run_at
    return Job.objects.create(**fields)
