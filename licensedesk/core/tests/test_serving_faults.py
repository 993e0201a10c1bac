"""`licensedesk serve` on a private PostgreSQL, as an operator would meet faults: the database
stopped under a stream of online activations, a web process killed with -9. Nothing that was
acknowledged is lost, and while the database is away the answers say so (503 with
Retry-After, /readyz 503), never a 500."""

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import psycopg
import pytest

from licensedesk.core.testing import _free_port, wait_until
from licensedesk_client.lrq import make_lrq, sample_devices

pytestmark = pytest.mark.slow


def _licensedesk(environment, *args, **popen):
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "licensedesk", *args], env=environment, **popen
    )


@pytest.fixture
def served(private_postgres, tmp_path):
    """The demo data on a private PostgreSQL, served by `licensedesk serve --workers 2`; a
    License Admin's token and a registered SLC with room for every activation."""
    environment = {
        **os.environ,
        "DATABASE_URL": private_postgres.url,
        "LICENSEDESK_DATA_DIR": str(tmp_path / "data"),
        "LICENSEDESK_SIGNING_KEYS_FILE": str(tmp_path / "keys.json"),
    }
    for command in (["migrate", "-v0"], ["demo"]):
        assert _licensedesk(environment, *command, stdout=subprocess.DEVNULL).wait(300) == 0
    made = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "licensedesk", "create-token", "--email", "admin@northwind.example"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    with psycopg.connect(private_postgres.url) as conn:
        code = conn.execute(
            "SELECT l.code FROM licenses_license l JOIN accounts_organization o"
            " ON o.id = l.organization_id WHERE o.slug = 'northwind' AND l.expires_on IS NULL"
            " ORDER BY l.id LIMIT 1"
        ).fetchone()[0]
        conn.execute("UPDATE licenses_license SET device_licenses = 100000 WHERE code = %s", [code])
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = _licensedesk(
        environment,
        "serve", "--no-worker", "--port", str(port), "--workers", "2", "--threads", "2",
        stdout=log, stderr=log,
    )  # fmt: skip
    try:
        assert wait_until(lambda: _get(port, "/healthz")[0] == 200, 60)
        yield port, made.stdout.strip(), code, private_postgres, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _get(port, path):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return None, b""


def _activate(port, token, code) -> tuple[int | None, str, str | None, str]:
    request_id = str(uuid.uuid4())
    body = make_lrq(code, sample_devices(1, seed=request_id), request_id=request_id)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            f"/api/v1/licenses/{code}/activations",
            body,
            {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
        )
        response = conn.getresponse()
        return (
            response.status,
            request_id,
            response.getheader("Retry-After"),
            response.getheader("Content-Type") or "",
        )
    except OSError:  # the connection itself broke (a killed process): not acknowledged
        return None, request_id, None, ""


def _stream(port, token, code, stop: threading.Event, pace=0.25, most=45) -> list:
    """Activations one after another until `stop` (at most `most`: the upload limit is 60 a
    minute for one user)."""
    answers = []
    while not stop.is_set() and len(answers) < most:
        answers.append(_activate(port, token, code))
        time.sleep(pace)
    return answers


def _stored(server, request_ids) -> set[str]:
    with psycopg.connect(server.url) as conn:
        rows = conn.execute(
            "SELECT request_id::text FROM activation_activation WHERE request_id::text = ANY(%s)",
            [list(request_ids)],
        )
        return {r for (r,) in rows}


def test_a_database_outage_answers_503_and_loses_no_acknowledged_activation(served):
    port, token, code, database, _ = served
    stop, answers = threading.Event(), []
    load = threading.Thread(target=lambda: answers.extend(_stream(port, token, code, stop)))
    load.start()
    time.sleep(2)
    database.stop()
    readiness_went_down = wait_until(lambda: _get(port, "/readyz")[0] == 503, 15)
    time.sleep(3)
    database.start()
    readiness_came_back = wait_until(lambda: _get(port, "/readyz")[0] == 200, 30)
    time.sleep(2)
    stop.set()
    load.join(timeout=120)

    assert readiness_went_down and readiness_came_back
    statuses = [status for status, *_ in answers]
    assert 500 not in statuses, statuses
    unavailable = [a for a in answers if a[0] == 503]
    assert unavailable, "the outage was never seen"
    assert all(a[2] and a[3] == "application/problem+json" for a in unavailable)
    acknowledged = {request_id for status, request_id, *_ in answers if status == 201}
    assert acknowledged, statuses
    assert _stored(database, acknowledged) == acknowledged


def test_a_web_process_killed_with_sigkill_loses_no_acknowledged_activation(served):
    port, token, code, database, server = served
    stop, answers = threading.Event(), []
    load = threading.Thread(target=lambda: answers.extend(_stream(port, token, code, stop, 0.1)))
    load.start()
    time.sleep(1.5)
    children = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=True
    ).stdout.split()
    os.kill(int(children[0]), signal.SIGKILL)  # one of gunicorn's web processes
    time.sleep(3)
    stop.set()
    load.join(timeout=120)

    acknowledged = {request_id for status, request_id, *_ in answers if status == 201}
    assert len(acknowledged) >= 10, [a[0] for a in answers]
    assert _stored(database, acknowledged) == acknowledged
    assert wait_until(lambda: _get(port, "/healthz")[0] == 200, 30)  # gunicorn replaced it
