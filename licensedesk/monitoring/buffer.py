"""A web process's accepted status reports, held in memory until the database has them.

The reports a process accepted wait here for its flush thread, which stores them every
LICENSEDESK_REPORT_FLUSH_MS. While the database cannot be reached, a batch that failed goes
back to the front of the buffer (the order is kept) and the thread tries again with a short
backoff. The buffer is bounded twice, so that what an outage can cost is known in advance:
once it holds LICENSEDESK_REPORT_BUFFER reports, or once the database has been unreachable for
LICENSEDESK_REPORT_OUTAGE_S, a new report is refused before it is accepted (`Unavailable`: the
endpoint answers 503 with Retry-After and the client sends it again later).

A process that exits normally (gunicorn's worker on SIGTERM, an interpreter exit) stores what
it holds first, waiting for the database at most STOP_WAIT_SECONDS."""

import atexit
import contextlib
import logging
import os
import threading
import time

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)

log = logging.getLogger(__name__)

STOP_WAIT_SECONDS = 10  # below gunicorn's graceful timeout, after which it kills the worker
FIRST_RETRY_SECONDS = 0.05
LAST_RETRY_SECONDS = 1.0  # the backoff stays short: an outage costs buffer room every second


class Unavailable(Exception):
    """The buffer takes no more reports: full, or the database unreachable for too long."""


def unreachable(exc: BaseException) -> bool:
    """Whether a database error means it cannot be reached now (down, restarting, locked),
    rather than that it refuses these rows."""
    return isinstance(exc, OperationalError | InterfaceError)


class ReportBuffer:
    """Accepted reports in their order, and the thread that stores them with `store(entries)`
    (given by the subclass)."""

    def __init__(self):
        self._lock = threading.Lock()  # guards the buffer, the clock and the thread's start
        self._storing = threading.Lock()  # one batch at a time per process
        self._pending: list = []
        self._in_flight = 0  # taken by the batch being stored, still held until it is
        self._unreachable_since: float | None = None  # time.monotonic() of the first failure
        self._pid = None

    def store(self, entries: list) -> None:
        raise NotImplementedError

    def submit(self, entry) -> None:
        """Take a checked report, or raise Unavailable (nothing taken)."""
        with self._lock:
            if self._pid != os.getpid():  # first report of this process (or since a fork)
                self._start()
            if self._pending_count() >= settings.LICENSEDESK_REPORT_BUFFER:
                raise Unavailable("the buffer of status reports is full")
            since = self._unreachable_since
            if since is not None and time.monotonic() - since >= outage_limit():
                raise Unavailable("the database has been unreachable for too long")
            self._pending.append(entry)

    def pending(self) -> int:
        """Reports accepted and not stored yet."""
        with self._lock:
            return self._pending_count()

    def _pending_count(self) -> int:
        return len(self._pending) + self._in_flight

    def unreachable_for(self) -> float | None:
        """Seconds since a batch first failed to reach the database (None: it is reachable)."""
        since = self._unreachable_since
        return None if since is None else time.monotonic() - since

    def flush(self) -> int:
        """Store what was accepted so far; returns how many reports that was. While the
        database is unreachable, the reports stay in the buffer and 0 is returned."""
        with self._storing:
            with self._lock:
                entries, self._pending = self._pending, []
                self._in_flight = len(entries)
            if not entries:
                return 0
            try:
                self.store(entries)
            except Exception as exc:
                if not unreachable(exc):
                    # A fault of ours, not the database's: retrying would fail the same way.
                    log.exception("%d status reports could not be stored", len(entries))
                    self._stored()
                    return 0
                self._keep(entries, exc)
                return 0
            self._stored()
            return len(entries)

    def _stored(self) -> None:
        with self._lock:
            self._in_flight = 0
            self._unreachable_since = None

    def _keep(self, entries: list, exc: BaseException) -> None:
        """Put a batch the database did not take back in front of the newer reports. A part
        of it may have been stored before the connection broke: stored again, such a report
        meets its own time on its Health row and is dropped as too soon."""
        with self._lock:
            self._pending = entries + self._pending
            self._in_flight = 0
            if self._unreachable_since is None:
                self._unreachable_since = time.monotonic()
                log.warning("database unreachable, keeping status reports: %s", exc)
        if not connection.in_atomic_block:  # (only a test stores inside a transaction)
            with contextlib.suppress(DatabaseError):  # a broken one may fail to close
                connection.close()  # the next attempt starts with a new connection

    def _start(self) -> None:
        """This process's own buffer (a forked child inherits none of its parent's reports to
        store: they are the parent's) and thread."""
        self._pid = os.getpid()
        self._pending = []
        self._in_flight = 0
        self._unreachable_since = None
        self._storing = threading.Lock()
        self._stopping = threading.Event()
        self._start_thread()

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._run, name="report-writer", daemon=True)
        self._thread.start()
        atexit.unregister(self._at_exit)  # inherited from the parent, if forked
        atexit.register(self._at_exit)

    def _run(self) -> None:
        wait = _every()
        while not self._stopping.wait(wait):
            try:
                self.flush()
                close_old_connections()  # CONN_MAX_AGE, as at the end of a request
            except Exception:  # never let the thread die: the next batch may succeed
                log.exception("the report writer failed")
            if self._unreachable_since is None:
                wait = _every()
            else:
                wait = min(LAST_RETRY_SECONDS, max(FIRST_RETRY_SECONDS, wait * 2))
        connection.close()

    def stop(self) -> None:
        """End the thread, then store what is held (tests; an exit does it by itself)."""
        thread = getattr(self, "_thread", None)
        if thread is not None:
            self._stopping.set()
            thread.join(timeout=STOP_WAIT_SECONDS)
        self.drain()

    def _at_exit(self) -> None:
        self._stopping.set()
        self.drain()

    def drain(self, seconds: float = STOP_WAIT_SECONDS) -> int:
        """Store everything held, waiting for the database at most `seconds`; returns how many
        reports could not be stored (logged)."""
        until = time.monotonic() + seconds
        wait = FIRST_RETRY_SECONDS
        while self.pending():
            self.flush()
            if not self.pending() or time.monotonic() + wait > until:
                break
            time.sleep(wait)
            wait = min(LAST_RETRY_SECONDS, wait * 2)
        left = self.pending()
        if left:
            log.error("stopping with %d status reports not stored: database unreachable", left)
        return left


def _every() -> float:
    """Seconds between two batches (with LICENSEDESK_REPORT_FLUSH_MS=0 the reports are stored
    before their answers and the thread only ever meets a test's)."""
    return settings.LICENSEDESK_REPORT_FLUSH_SECONDS or FIRST_RETRY_SECONDS


def outage_limit() -> float:
    return settings.LICENSEDESK_REPORT_OUTAGE_SECONDS
