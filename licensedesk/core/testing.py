"""Helpers for the tests of every app."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection


def needs_postgresql(why: str = "row-level concurrency needs PostgreSQL") -> None:
    """Skip on SQLite: it serialises writers itself, so a race there proves nothing. CI runs
    the whole suite on PostgreSQL as well, where these tests run."""
    if connection.vendor != "postgresql":
        pytest.skip(why)


def backoffice_client(user):
    """A test client in the back office: `user`'s session has passed the second factor
    (a confirmed TOTP device), as the back office requires. For tests and bench/."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


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


class PrivatePostgres:
    """A PostgreSQL server of a test's own (initdb in a temporary directory, a free port, its
    own socket directory), for tests that stop or kill it: never the shared server. As root
    (CI), initdb and postgres run as the `postgres` user, which they insist on."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.sockets = directory / "sockets"
        self.port = _free_port()
        self.bin = Path(_postgres_binary("initdb")).resolve().parent  # with pg_ctl, createdb

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/licensedesk"

    def _run(self, *args: str, check=True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)  # noqa: S603

    def create(self) -> "PrivatePostgres":
        self.sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "licensedesk"
        )
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def start_if_stopped(self) -> None:
        """After a test that may have failed while its server was stopped."""
        if self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode != 0:
            self.start()

    def destroy(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def private_postgres():
    """A started PostgreSQL of the test's own with an empty database `licensedesk`. Its
    directory is made under /tmp (pytest's own is not reachable by the postgres user)."""
    server = PrivatePostgres(Path(tempfile.mkdtemp(prefix="licensedesk-pg-"))).create()
    try:
        yield server
    finally:
        server.destroy()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if found[-1] is None:
        raise RuntimeError(f"{name} not found: install PostgreSQL's server package")
    return found[-1]


def wait_until(condition, seconds: float = 30, every: float = 0.2) -> bool:
    """Poll `condition` until it is true or `seconds` have passed (no timed assertions)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())
