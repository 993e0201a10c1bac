"""A worker lives through a PostgreSQL outage: a private server is stopped under it for a
few seconds and started again; the worker is still running and catches up on every job,
those queued before the outage and those queued after it."""

import json
import os
import subprocess
import sys
import time

import psycopg
import pytest

from licensedesk.core.testing import wait_until

pytestmark = pytest.mark.slow

JOB = (
    "INSERT INTO outbox_job (kind, payload, state, run_at, attempts, max_attempts, locked_by,"
    " last_error, created_at) VALUES ('core.housekeeping', %s, 'queued', now(), 0, 8, '', '',"
    " now())"
)


def _licensedesk(server, *args, **popen):
    environment = {**os.environ, "DATABASE_URL": server.url}
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "licensedesk", *args], env=environment, **popen
    )


def _done(server) -> dict:
    """How many of the test's own jobs are done, by tag (the worker queues periodic ones)."""
    try:
        with psycopg.connect(server.url, connect_timeout=2) as conn:
            return dict(
                conn.execute(
                    "SELECT payload->>'tag', count(*) FROM outbox_job WHERE state = 'done'"
                    " AND payload ? 'tag' GROUP BY 1"
                )
            )
    except psycopg.OperationalError:
        return {}


def _queue(server, count: int, tag: str) -> None:
    with psycopg.connect(server.url) as conn:
        for n in range(count):
            conn.execute(JOB, [json.dumps({"tag": tag, "n": n})])


def test_the_worker_survives_a_database_outage_and_catches_up(private_postgres, tmp_path):
    server = private_postgres
    assert _licensedesk(server, "migrate", "-v0").wait(timeout=300) == 0
    log = (tmp_path / "worker.log").open("w")
    worker = _licensedesk(server, "worker", "--sleep", "0.2", stdout=log, stderr=log)
    try:
        _queue(server, 5, "before")
        assert wait_until(lambda: _done(server).get("before") == 5, 60)

        server.stop()
        time.sleep(6)  # the worker meets the outage at every poll meanwhile
        assert worker.poll() is None, "the worker died with the database"
        server.start()

        _queue(server, 5, "after")
        assert wait_until(lambda: _done(server) == {"before": 5, "after": 5}, 90), _done(server)
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert "database error" in (tmp_path / "worker.log").read_text()
