"""`licensedesk serve` runs the worker beside the web server and keeps it running: a worker
that exits (a crash, a kill -9) is started again after a wait that grows with quick failures
(1 s doubling to 30 s; back to 1 s once it ran for a minute), and why it exited is logged."""

import logging
import subprocess
import threading
import time

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0
HEALTHY_AFTER = 60.0  # seconds a process must run before its next exit counts as a first


class Supervisor:
    def __init__(self, command: list[str], name: str = "worker"):
        self.command = command
        self.name = name
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, name=f"{self.name}-supervisor")
        self._thread.daemon = True
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()

    def _watch(self) -> None:
        wait = FIRST_WAIT
        while not self._stop.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(self.command)  # noqa: S603 - our own command line
            while self.process.poll() is None:
                if self._stop.wait(0.2):
                    return
            code = self.process.returncode
            if time.monotonic() - started >= HEALTHY_AFTER:
                wait = FIRST_WAIT
            log.error(
                "%s exited with %s; starting it again in %.0f s",
                self.name,
                f"signal {-code}" if code < 0 else f"code {code}",
                wait,
            )
            if self._stop.wait(wait):
                return
            self.restarts += 1
            wait = min(LONGEST_WAIT, wait * 2)
