"""Helpers for the tests of every app."""

import threading

import pytest
from django.db import connection


def needs_postgresql(why: str = "row-level concurrency needs PostgreSQL") -> None:
    """Skip on SQLite: it serialises writers itself, so a race there proves nothing. CI runs
    the whole suite on PostgreSQL as well, where these tests run."""
    if connection.vendor != "postgresql":
        pytest.skip(why)


def race(work, count: int, timeout: float = 120) -> list:
    """Run work(i) for i in range(count) in real threads, released together by a barrier,
    each with its own database connection. Returns what each returned, or the exception it
    raised (a thread cannot fail the test itself)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
