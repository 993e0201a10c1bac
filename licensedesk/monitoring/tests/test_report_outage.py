"""`licensedesk serve` on a private PostgreSQL under a steady stream of status reports, as
an operator would meet faults: the database stopped for 10 s, the server stopped with
SIGTERM. Every report answered 202 is in the database afterwards; the reports the server
could not hold were answered 503 with Retry-After, never 500. The counts (sent, answered
202, answered 503, found) are printed for the record (`pytest -rP` shows them)."""

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from licensedesk.core.testing import PrivatePostgres, _free_port, wait_until
from licensedesk.monitoring.tests.helpers import report

pytestmark = pytest.mark.slow

INSTALLATIONS = 240
SENDERS = 6
PACE = 0.3  # s between two reports of a sender: each installation reports every 12 s+

# Monitored installations on a demo license, their tokens printed as JSON.
SEED = f"""
import json, uuid
from licensedesk.accounts.models import User
from licensedesk.licenses.models import License
from licensedesk.monitoring import tokens
from licensedesk.monitoring.models import Installation
admin = User.objects.get(email="licenseadmin@northwind.example")
lic = License.objects.filter(organization=admin.organization).order_by("id").first()
made = []
for n in range({2 * INSTALLATIONS}):
    inst = Installation.objects.create(license=lic, uuid=uuid.uuid4(), hostname=f"load-{{n}}")
    made.append([inst.pk, tokens.issue_token(admin, inst)])
print(json.dumps(made))
"""


def _licensedesk(environment, *args, **popen):
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "licensedesk", *args], env=environment, **popen
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A private PostgreSQL with the demo data and 2 x INSTALLATIONS monitored installations,
    made once for the tests here (each takes its own installations); yields (environment,
    [(installation id, token)], server)."""
    server = PrivatePostgres(Path(tempfile.mkdtemp(prefix="licensedesk-pg-"))).create()
    data = tmp_path_factory.mktemp("serve")
    environment = {
        **os.environ,
        "DATABASE_URL": server.url,
        "LICENSEDESK_DATA_DIR": str(data / "data"),
        "LICENSEDESK_SIGNING_KEYS_FILE": str(data / "keys.json"),
    }
    environment.pop("LICENSEDESK_REPORT_FLUSH_MS", None)
    try:
        for command in (["migrate", "-v0"], ["demo"]):
            assert _licensedesk(environment, *command, stdout=subprocess.DEVNULL).wait(300) == 0
        seeded = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "licensedesk", "shell", "-c", SEED],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        yield environment, json.loads(seeded.stdout.strip().splitlines()[-1]), server
    finally:
        server.destroy()


@pytest.fixture
def serve(seeded, tmp_path):
    """serve(**env) starts `licensedesk serve --workers 2 --threads 4` on the seeded database
    with these environment variables; returns (port, process). Stopped after the test."""
    environment, _, database = seeded
    started = []

    def start(**settings):
        port = _free_port()
        log = (tmp_path / "serve.log").open("a")
        process = _licensedesk(
            {**environment, **settings},
            "serve", "--no-worker", "--port", str(port), "--workers", "2", "--threads", "4",
            stdout=log, stderr=log,
        )  # fmt: skip
        started.append((process, log))
        assert wait_until(lambda: _get(port, "/healthz") == 200, 60)
        return port, process

    try:
        yield start
    finally:
        for process, log in started:
            process.terminate()
            process.wait(timeout=30)
            log.close()
        database.start_if_stopped()


def _get(port, path):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None


class Sender:
    """One client thread: reports of its installations in turn, on one keep-alive
    connection, each answer noted as (installation id, status, Retry-After, content type)."""

    def __init__(self, port, installations):
        self.port, self.installations = port, installations
        self.answers, self.stop = [], threading.Event()
        self.body = json.dumps(report()).encode()
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        conn, n = None, 0
        while not self.stop.is_set():
            installation_id, token = self.installations[n % len(self.installations)]
            n += 1
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request(
                    "POST",
                    f"/api/v1/installations/{installation_id}/status",
                    self.body,
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                response.read()
                self.answers.append(
                    (
                        installation_id,
                        response.status,
                        response.getheader("Retry-After"),
                        response.getheader("Content-Type"),
                    )
                )
            except OSError:  # the connection broke: not acknowledged
                self.answers.append((installation_id, None, None, None))
                conn = None
            time.sleep(PACE)


def _load(port, installations) -> list[Sender]:
    share = len(installations) // SENDERS
    senders = [Sender(port, installations[i * share : (i + 1) * share]) for i in range(SENDERS)]
    for sender in senders:
        sender.thread.start()
    return senders


def _finish(senders) -> list:
    for sender in senders:
        sender.stop.set()
    for sender in senders:
        sender.thread.join(timeout=60)
    return [answer for sender in senders for answer in sender.answers]


def _stored(server, installations) -> Counter:
    """Reports in the database of these installations (a connection refused counts none)."""
    ids = [installation_id for installation_id, _ in installations]
    try:
        with psycopg.connect(server.url, connect_timeout=5) as conn:
            rows = conn.execute(
                "SELECT installation_id, count(*) FROM monitoring_report"
                " WHERE installation_id = ANY(%s) GROUP BY 1",
                [ids],
            )
            return Counter(dict(rows))
    except psycopg.OperationalError:
        return Counter()


def _all_found(server, installations, acknowledged: Counter) -> bool:
    found = _stored(server, installations)
    return all(found[i] >= count for i, count in acknowledged.items())


def test_reports_answered_202_during_a_database_outage_are_all_stored(seeded, serve):
    _, installations, database = seeded
    installations = installations[:INSTALLATIONS]
    # an outage limit below the outage's length, so that both answers are seen
    port, _ = serve(LICENSEDESK_REPORT_OUTAGE_S="4")
    senders = _load(port, installations)
    time.sleep(3)
    database.stop()
    time.sleep(10)
    database.start()
    time.sleep(4)
    answers = _finish(senders)

    statuses = Counter(status for _, status, *_ in answers)
    acknowledged = Counter(i for i, status, *_ in answers if status == 202)
    wait_until(lambda: _all_found(database, installations, acknowledged), 60)
    found = _stored(database, installations)
    print(
        f"database outage: sent {len(answers)}, answered {dict(statuses)},"
        f" 202 acknowledged {sum(acknowledged.values())},"
        f" found {sum(found[i] for i in acknowledged)} of them"
    )
    assert set(statuses) <= {202, 503}, statuses
    assert statuses[503], "the outage limit was never reached"
    unavailable = [a for a in answers if a[1] == 503]
    assert all(a[2] and a[3] == "application/problem+json" for a in unavailable)
    assert found == acknowledged  # every 202 stored, once; nothing refused was stored


def test_a_server_stopped_with_sigterm_stores_the_reports_it_holds(seeded, serve):
    _, installations, database = seeded
    installations = installations[INSTALLATIONS:]
    # batches a minute apart: every report accepted is still held when SIGTERM comes
    port, process = serve(LICENSEDESK_REPORT_FLUSH_MS="60000")
    senders = _load(port, installations)
    time.sleep(4)  # less than a round: each installation reports once at most
    answers = _finish(senders)
    held_before_stop = sum(_stored(database, installations).values())

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0

    acknowledged = Counter(i for i, status, *_ in answers if status == 202)
    found = _stored(database, installations)
    print(
        f"SIGTERM: sent {len(answers)}, 202 acknowledged {sum(acknowledged.values())},"
        f" stored before the stop {held_before_stop}, found after it {sum(found.values())}"
    )
    assert {status for _, status, *_ in answers} == {202}
    assert held_before_stop == 0
    assert found == acknowledged
