"""Status reports of a VMS installation: read from this host, or simulated for demos and load
tests (healthy, flaky, dying; grace and swaps for device licenses)."""

import json
import os
import random
import shutil
import socket
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

SIMULATIONS = ("healthy", "flaky", "dying", "grace", "swaps")

# The `grace` scenario runs a day of grace per report: 4 new cameras enter grace 8½ days from
# its end, which the partner hears 7 and 1 days before, and then they stop recording.
GRACE_DEVICES = 4
GRACE_DAYS = 8.5
SWAPS_ALLOWED = 5  # the `swaps` scenario: one device change per report, 5 allowed


def _now() -> str:
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def host_figures() -> dict:
    """CPU (load per core), memory and disk of this host, from the standard library only."""
    cpu = 0.0
    if hasattr(os, "getloadavg"):
        cpu = min(100.0, 100.0 * os.getloadavg()[0] / (os.cpu_count() or 1))
    memory = 0.0
    try:
        with open("/proc/meminfo") as handle:
            info = {line.split(":")[0]: int(line.split()[1]) for line in handle}
        memory = 100.0 * (1 - info["MemAvailable"] / info["MemTotal"])
    except (OSError, KeyError, ValueError, ZeroDivisionError):
        pass
    disk = shutil.disk_usage("/")
    return {
        "cpu_pct": round(cpu, 1),
        "memory_pct": round(memory, 1),
        "disk_pct": round(100.0 * disk.used / disk.total, 1),
    }


class Simulator:
    """A made-up installation whose health follows a script: `healthy` stays fine, `flaky`
    has passing trouble, `dying` loses devices, fills its storage, then stops reporting;
    `grace` has new cameras in grace whose end comes a day nearer with every report until they
    stop recording; `swaps` replaces a camera per report until no change without activation
    is left."""

    def __init__(self, kind: str, seed: int | None = None, devices: int = 48):
        self.kind, self.step, self.devices = kind, 0, devices
        self.rng = random.Random(seed)  # noqa: S311 - simulation, not secrets
        self.started = time.time()

    @property
    def silent(self) -> bool:
        """A dying installation stops reporting in the end (it goes Offline)."""
        return self.kind == "dying" and self.step > 6

    def report(self) -> dict:
        self.step += 1
        rng, n = self.rng, self.devices
        offline, used, recording_state, cpu = 0, 40.0, "running", rng.uniform(10, 35)
        errors = []
        if self.kind == "flaky" and self.step % 4 == 0:
            offline, recording_state = rng.randint(1, 3), "degraded"
            errors.append(
                {
                    "at": _now(),
                    "source": "Recording Server 1",
                    "message": "Lost connection to 2 cameras",
                }
            )
        if self.kind == "dying":
            offline = min(n, self.step * 8)
            used = min(99.5, 80 + self.step * 4)
            recording_state = "stopped" if self.step >= 3 else "degraded"
            cpu = min(100.0, 60 + self.step * 8)
            errors.append(
                {
                    "at": _now(),
                    "source": "Recording Server 1",
                    "message": "Storage almost full; recording stopped",
                }
            )
        free = 100.0 - used
        return {
            "sent_at": _now(),
            "product_version": "25.1",
            "hostname": socket.gethostname(),
            "uptime_s": int(time.time() - self.started) + 86400,
            "host": {
                "cpu_pct": round(cpu, 1),
                "memory_pct": round(rng.uniform(30, 60), 1),
                "disk_pct": 50.0,
            },
            "servers": [
                {"name": "Management Server", "role": "management", "state": "running"},
                {
                    "name": "Recording Server 1",
                    "role": "recording",
                    "state": recording_state,
                    "storage_used_gb": used * 40,
                    "storage_free_gb": free * 40,
                },
            ],
            "devices": {
                "total": n,
                "online": n - offline,
                "offline": offline,
                "not_recording": offline,
            },
            "offline_devices": [f"Camera {i + 1}" for i in range(offline)][:1000],
            "errors": errors,
            **self.licenses(),
        }

    def licenses(self) -> dict:
        """The `licenses` part of the report: every device activated, but in the device
        license scenarios."""
        if self.kind not in ("grace", "swaps"):
            return {}
        n, in_grace, expired, grace_ends_at, used = self.devices, 0, 0, None, 0
        if self.kind == "grace" and self.step > 1:
            left = timedelta(days=GRACE_DAYS - (self.step - 2))  # a day nearer per report
            if left > timedelta(0):
                in_grace = GRACE_DEVICES
                grace_ends_at = _iso(datetime.now(UTC) + left)
            else:
                expired = GRACE_DEVICES
        if self.kind == "swaps":
            used = min(SWAPS_ALLOWED, self.step - 1)
        return {
            "licenses": {
                "activated": n - in_grace - expired,
                "in_grace": in_grace,
                "grace_expired": expired,
                "not_licensed": 0,
                "grace_ends_at": grace_ends_at,
                "changes_without_activation": {"used": used, "allowed": SWAPS_ALLOWED},
            }
        }


def real_report() -> dict:
    """A minimal report of this host (a real installation adds its servers and devices)."""
    return {
        "sent_at": _now(),
        "product_version": "25.1",
        "hostname": socket.gethostname(),
        "uptime_s": int(time.monotonic()),
        "host": host_figures(),
        "servers": [{"name": "Management Server", "role": "management", "state": "running"}],
        "devices": {"total": 0, "online": 0, "offline": 0, "not_recording": 0},
    }


RETRY_STATUSES = (429, 503)  # the server asks to come back later: the report is not stored
LONGEST_WAIT = 300


def _post(url: str, token: str, report: dict, timeout: float) -> tuple[int, str | None]:
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked by the caller
        url,
        data=json.dumps(report).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Retry-After")


def _wait_of(retry_after: str | None, attempt: int) -> float:
    try:
        wait = float(retry_after)
    except (TypeError, ValueError):
        wait = 2.0**attempt  # no usable Retry-After: back off on our own
    return min(max(wait, 1.0), LONGEST_WAIT)


def send(
    server: str,
    token: str,
    installation: int,
    report: dict,
    timeout=30,
    attempts: int = 5,
    sleep=time.sleep,
) -> int:
    """POST one report; on 429 or 503 wait as Retry-After says and send the same report again,
    up to `attempts` times. Returns the last HTTP status (202 when accepted)."""
    url = f"{server.rstrip('/')}/api/v1/installations/{installation}/status"
    if not url.startswith(("http://", "https://")):
        raise ValueError("the server URL must start with http:// or https://")
    for attempt in range(attempts):
        status, retry_after = _post(url, token, report, timeout)
        if status not in RETRY_STATUSES or attempt == attempts - 1:
            return status
        sleep(_wait_of(retry_after, attempt))
    return status
