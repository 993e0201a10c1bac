"""Status reports written behind the answer: each web process collects the reports it has
accepted and stores them every LICENSEDESK_REPORT_FLUSH_MS (50 ms) in one statement
(`services.store_reports`), from a thread of its own.

Why: storing each report in its own statement and transaction cost the database more than
the rest of the request (docs/benchmarks.md), and the endpoint answers 202 Accepted anyway.
What it costs: a report is on the Installations page up to one interval later, and the
reports of the last interval are lost if the process is killed (a process that exits
normally stores them first). A report is checked before the answer (token, installation,
body, at most one per MIN_REPORT_GAP seen by this process); what only the row can tell — the
token revoked a moment ago, a report of the same installation to another process — is
settled when the batch is stored: such a report is dropped, and a revoked token is forgotten
so that its next report gets 401. LICENSEDESK_REPORT_FLUSH_MS=0 stores each report before
answering (the tests do)."""

import atexit
import logging
import math
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring import services

log = logging.getLogger(__name__)

MAX_PENDING = 10_000  # beyond this, the request that finds the buffer full stores it


def interval() -> float:
    """Seconds between two batches; 0: every report is stored before its answer."""
    return settings.LICENSEDESK_REPORT_FLUSH_SECONDS


class ReportWriter:
    def __init__(self):
        self._lock = threading.Lock()  # guards the buffer and the thread's start
        self._storing = threading.Lock()  # one batch at a time per process
        self._pending: list[services.Pending] = []
        self._pid = None

    def submit(self, entry: services.Pending) -> None:
        """Accept a checked report; it is stored with the next batch."""
        with self._lock:
            if self._pid != os.getpid():  # first report of this process (or since a fork)
                self._start()
            self._pending.append(entry)
            full = len(self._pending) >= MAX_PENDING
        if full:
            self.flush()

    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> int:
        """Store what was accepted so far; returns how many reports that was."""
        with self._storing:
            with self._lock:
                entries, self._pending = self._pending, []
            if not entries:
                return 0
            try:
                outcomes = services.store_reports(entries)
            except Exception:
                # Monitoring data: the installations report again within a minute.
                log.exception("%d status reports could not be stored", len(entries))
                if not connection.in_atomic_block:  # a broken one: reconnect next time
                    connection.close_if_unusable_or_obsolete()
                return 0
            for entry, (outcome, _) in zip(entries, outcomes, strict=True):
                if outcome == services.GONE and entry.digest:
                    services.forget_token(entry.digest)
            return len(entries)

    def _start(self) -> None:
        """This process's own buffer (a forked child inherits none of its parent's reports to
        store: they are the parent's) and thread."""
        self._pid = os.getpid()
        self._pending = []
        self._storing = threading.Lock()
        self._stopping = threading.Event()
        self._start_thread()

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._run, name="report-writer", daemon=True)
        self._thread.start()
        atexit.register(self.flush)

    def stop(self) -> None:
        """Store what is pending and end the thread (tests; a process's exit needs none)."""
        thread = getattr(self, "_thread", None)
        if thread is not None:
            self._stopping.set()
            thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.wait(interval() or 0.05):
            try:
                self.flush()
                close_old_connections()  # CONN_MAX_AGE, as at the end of a request
            except Exception:  # never let the thread die: the next batch may succeed
                log.exception("the report writer failed")
        self.flush()
        connection.close()


writer = ReportWriter()

# When this process last accepted a report of each installation (Health id).
_last_accepted: dict = {}


def accept(health, report, token_digest: str) -> str:
    """Check a report of a known token against this process's own memory (at most one per
    MIN_REPORT_GAP: RateLimited), derive its state and queue it; returns the state."""
    now = timezone.now()
    last = _last_accepted.get(health.pk)
    if last is not None:
        gap = (now - last).total_seconds()
        if gap < services.MIN_REPORT_GAP:
            raise RateLimited(max(1, math.ceil(services.MIN_REPORT_GAP - gap)))
    state, reasons = services.derive(health, report)
    if len(_last_accepted) >= services.KNOWN_TOKENS_KEPT:
        _last_accepted.clear()
    _last_accepted[health.pk] = now
    writer.submit(services.pending(health, report, state, reasons, now, token_digest))
    return state
