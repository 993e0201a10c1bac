"""Job kinds and their handlers. Apps register handlers in their jobs.py."""

from collections.abc import Callable, Iterable

from licensedesk.outbox.models import Job

HANDLERS: dict[str, Callable[[dict], None]] = {}


def handler(kind: str):
    """Register `func(payload)` as the handler of `kind` jobs."""

    def register(func):
        HANDLERS[kind] = func
        return func

    return register


def _check(kind: str) -> None:
    if kind not in HANDLERS:
        raise ValueError(f"No handler for job kind {kind!r}")


def enqueue(kind: str, payload: dict | None = None, *, run_at=None, max_attempts=8) -> Job:
    """Queue a job. Call it inside the transaction of the change, so both land or neither."""
    _check(kind)
    fields = {"kind": kind, "payload": payload or {}, "max_attempts": max_attempts}
    if run_at is not None:
        fields["run_at"] = run_at
    return Job.objects.create(**fields)


def enqueue_many(kind: str, payloads: Iterable[dict], *, max_attempts=8) -> list[Job]:
    """Queue one job of `kind` per payload, in a few INSERTs (as `enqueue`, inside the
    transaction of the change)."""
    _check(kind)
    jobs = [Job(kind=kind, payload=payload, max_attempts=max_attempts) for payload in payloads]
    return Job.objects.bulk_create(jobs, batch_size=1000)
