"""The status report an installation sends, and the state it means."""

from datetime import datetime, timedelta
from typing import Literal

from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, model_validator

from licensedesk.monitoring.models import State

MAX_BYTES = 256 * 1024
FUTURE_SKEW = timedelta(minutes=5)
GRACE_REACH = timedelta(days=5 * 365)  # a grace end further away is a wrong clock


class ReportPart(BaseModel):
    """Plain pydantic models, not ninja Schemas: a Schema's ORM-friendly root validator runs
    for every nested object, and this is the hottest endpoint (docs/benchmarks.md)."""

    model_config = ConfigDict(extra="forbid")


class Host(ReportPart):
    cpu_pct: float = Field(ge=0, le=100)
    memory_pct: float = Field(ge=0, le=100)
    disk_pct: float = Field(ge=0, le=100)


class Server(ReportPart):
    name: str = Field(max_length=100)
    role: Literal["management", "recording", "event", "mobile", "other"]
    state: Literal["running", "degraded", "stopped", "unknown"]
    storage_used_gb: float | None = Field(None, ge=0, le=10_000_000)
    storage_free_gb: float | None = Field(None, ge=0, le=10_000_000)


class Devices(ReportPart):
    total: int = Field(ge=0, le=1_000_000)
    online: int = Field(ge=0, le=1_000_000)
    offline: int = Field(ge=0, le=1_000_000)
    not_recording: int = Field(0, ge=0, le=1_000_000)

    @model_validator(mode="after")
    def counts_add_up(self):
        if self.online + self.offline > self.total or self.not_recording > self.total:
            raise ValueError("device counts exceed the total")
        return self


class ChangesWithoutActivation(ReportPart):
    """Device changes the VMS allows without activating: `used` of `allowed`."""

    used: int = Field(ge=0, le=1_000_000)
    allowed: int = Field(ge=0, le=1_000_000)

    @model_validator(mode="after")
    def used_within_allowed(self):
        if self.used > self.allowed:
            raise ValueError("changes_without_activation.used exceeds allowed")
        return self


class Licenses(ReportPart):
    """The installation's device licenses by state, as its VMS counts them. A device in grace
    records until its grace period ends (`grace_ends_at`: the earliest end), then stops."""

    activated: int = Field(ge=0, le=1_000_000)
    in_grace: int = Field(ge=0, le=1_000_000)
    grace_expired: int = Field(ge=0, le=1_000_000)
    not_licensed: int = Field(ge=0, le=1_000_000)
    grace_ends_at: datetime | None = None
    changes_without_activation: ChangesWithoutActivation | None = None

    @model_validator(mode="after")
    def grace_end_when_in_grace(self):
        if (self.grace_ends_at is None) != (self.in_grace == 0):
            raise ValueError("grace_ends_at is given exactly when devices are in grace")
        if self.grace_ends_at is not None:
            if self.grace_ends_at.tzinfo is None:
                raise ValueError("grace_ends_at needs a time zone")
            if abs(self.grace_ends_at - timezone.now()) > GRACE_REACH:
                raise ValueError("grace_ends_at is more than 5 years away")
        return self

    def total(self) -> int:
        return self.activated + self.in_grace + self.grace_expired + self.not_licensed


class ErrorEntry(ReportPart):
    at: datetime
    source: str = Field("", max_length=100)
    message: str = Field(max_length=500)


class StatusReport(ReportPart):
    sent_at: datetime
    product_version: str = Field(max_length=50)
    hostname: str = Field(max_length=200)
    uptime_s: int = Field(ge=0, le=100 * 365 * 86400)
    host: Host
    servers: list[Server] = Field(max_length=200)
    devices: Devices
    offline_devices: list[str] = Field(default_factory=list, max_length=1000)
    errors: list[ErrorEntry] = Field(default_factory=list, max_length=50)
    licenses: Licenses | None = None  # optional: VMS versions that do not count them

    @model_validator(mode="after")
    def not_from_the_future(self):
        if self.sent_at.tzinfo is None:
            raise ValueError("sent_at needs a time zone")
        if self.sent_at > timezone.now() + FUTURE_SKEW:
            raise ValueError("sent_at is in the future")
        if self.licenses is not None and self.licenses.total() > self.devices.total:
            raise ValueError("device license counts exceed devices.total")
        return self


def _pct(part, whole) -> float:
    return 100.0 * part / whole if whole else 0.0


def derive_state(report: StatusReport, t) -> tuple[str, list[str]]:
    """Healthy, Attention or Critical, with the reasons, from the company's thresholds `t`."""
    critical, attention = [], []
    for server in report.servers:
        if server.state == "stopped":
            (critical if server.role in ("management", "recording") else attention).append(
                f"{server.name} ({server.role} server) is stopped"
            )
        elif server.state in ("degraded", "unknown"):
            attention.append(f"{server.name} ({server.role} server) is {server.state}")
        if server.storage_used_gb is not None and server.storage_free_gb is not None:
            used = _pct(server.storage_used_gb, server.storage_used_gb + server.storage_free_gb)
            if used >= t.storage_critical_pct:
                critical.append(f"storage of {server.name} is {used:.0f}% full")
            elif used >= t.storage_attention_pct:
                attention.append(f"storage of {server.name} is {used:.0f}% full")
    if not any(s.role == "management" for s in report.servers):
        attention.append("no management server reported")
    offline = _pct(report.devices.offline, report.devices.total)
    if report.devices.offline and offline >= t.devices_offline_critical_pct:
        critical.append(f"{report.devices.offline} of {report.devices.total} devices offline")
    elif report.devices.offline and offline >= t.devices_offline_attention_pct:
        attention.append(f"{report.devices.offline} of {report.devices.total} devices offline")
    if report.devices.not_recording:
        attention.append(f"{report.devices.not_recording} devices not recording")
    if report.host.disk_pct >= t.disk_critical_pct:
        critical.append(f"host disk {report.host.disk_pct:.0f}% full")
    if report.host.cpu_pct >= t.cpu_attention_pct:
        attention.append(f"host CPU at {report.host.cpu_pct:.0f}%")
    if report.host.memory_pct >= t.memory_attention_pct:
        attention.append(f"host memory at {report.host.memory_pct:.0f}%")
    if critical:
        return State.CRITICAL, critical + attention
    if attention:
        return State.ATTENTION, attention
    return State.HEALTHY, []
