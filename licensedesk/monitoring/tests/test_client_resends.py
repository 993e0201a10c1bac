"""The reference client (`licensedesk-client monitor`) sends a report again when the server
asks it to come back later (429 or 503 with Retry-After), so a report refused during an
outage is not lost; other refusals are final."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from licensedesk_client import monitor


@pytest.fixture
def server():
    """A local server answering status reports from a script of (status, Retry-After)."""
    received, script = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            status, retry_after = script.pop(0) if script else (202, None)
            self.send_response(status)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", received, script
    httpd.shutdown()


def test_a_report_refused_with_503_is_sent_again_after_retry_after(server):
    url, received, script = server
    script += [(503, "3"), (429, "1")]
    waits = []
    report = {"sent_at": "2026-12-05T08:00:00Z", "hostname": "vms01"}
    status = monitor.send(url, "ldmon_x", 7, report, sleep=waits.append)
    assert status == 202
    assert received == [report, report, report]
    assert waits == [3.0, 1.0]


def test_without_retry_after_it_backs_off_on_its_own_and_gives_up_in_the_end(server):
    url, received, script = server
    script += [(503, None)] * 5
    waits = []
    status = monitor.send(url, "ldmon_x", 7, {"n": 1}, attempts=4, sleep=waits.append)
    assert status == 503
    assert len(received) == 4
    assert waits == [1.0, 2.0, 4.0]


@pytest.mark.parametrize("status", [401, 404, 422])
def test_other_refusals_are_not_sent_again(server, status):
    url, received, script = server
    script.append((status, "1"))
    assert monitor.send(url, "ldmon_x", 7, {"n": 1}, sleep=lambda s: None) == status
    assert len(received) == 1
