from datetime import datetime, timedelta
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.monitoring import maintenance, queries, tokens, uptime
from licensedesk.monitoring.models import HourlyStat, StateChange

router = Router(tags=["installations"])


class HealthOut(Schema):
    state: str
    since: datetime
    reasons: list[str]
    last_report_at: datetime | None
    product_version: str
    monitoring_enabled: bool
    token_prefix: str


class MaintenanceOut(Schema):
    starts_at: datetime
    ends_at: datetime
    alerts_paused: bool  # the window is on now (else it is planned)


class MaintenanceIn(Schema):
    """A snooze from now ("1h" or "1d"), or a window: starts_at and ends_at."""

    snooze: Literal["1h", "1d"] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def _maintenance_out(window) -> dict | None:
    now = timezone.now()
    if window is None or window.is_over(now):
        return None
    return {
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
        "alerts_paused": window.is_on(now),
    }


class ChangesOut(Schema):
    used: int
    allowed: int


class DeviceLicensesOut(Schema):
    """Device licenses by state as the latest report counted them."""

    activated: int
    in_grace: int
    grace_expired: int
    not_licensed: int
    grace_ends_at: datetime | None  # the earliest end of a grace period
    changes_without_activation: ChangesOut | None


def _device_licenses_out(health) -> dict | None:
    if health is None or health.devices_activated is None:
        return None
    changes = None
    if health.changes_allowed is not None:
        changes = {"used": health.changes_used, "allowed": health.changes_allowed}
    return {
        "activated": health.devices_activated,
        "in_grace": health.devices_in_grace,
        "grace_expired": health.devices_grace_expired,
        "not_licensed": health.devices_not_licensed,
        "grace_ends_at": health.grace_ends_at,
        "changes_without_activation": changes,
    }


class InstallationOut(Schema):
    id: int
    uuid: str
    hostname: str
    slc: str
    customer: str | None
    product_version: str
    devices_active: int
    health: HealthOut | None
    maintenance: MaintenanceOut | None
    device_licenses: DeviceLicensesOut | None

    @staticmethod
    def resolve_device_licenses(obj):
        return _device_licenses_out(getattr(obj, "health", None))

    @staticmethod
    def resolve_maintenance(obj):
        return _maintenance_out(getattr(obj, "maintenance", None))

    @staticmethod
    def resolve_uuid(obj):
        return str(obj.uuid)

    @staticmethod
    def resolve_slc(obj):
        return obj.license.code

    @staticmethod
    def resolve_customer(obj):
        return obj.license.customer.name if obj.license.customer_id else None

    @staticmethod
    def resolve_health(obj):
        health = getattr(obj, "health", None)
        if health is None:
            return None
        return {
            "state": health.state,
            "since": health.state_since,
            "reasons": health.reasons,
            "last_report_at": health.last_report_at,
            "product_version": health.product_version,
            "monitoring_enabled": health.enabled,
            "token_prefix": health.token_prefix,
        }


class InstallationDetail(InstallationOut):
    last_report: dict | None
    uptime_24h: float | None
    uptime_7d: float | None
    uptime_30d: float | None
    monitoring_started_at: datetime | None


class ChangeOut(Schema):
    at: datetime
    from_state: str
    to_state: str
    reasons: list[str]


class HourOut(Schema):
    hour: datetime
    reports: int
    healthy: int
    attention: int
    critical: int
    cpu_avg: float | None
    memory_avg: float | None
    devices_offline_max: int


class HistoryOut(Schema):
    changes: list[ChangeOut]
    hourly: list[HourOut]


class MonitoringTokenOut(Schema):
    installation_id: int
    token: str


def _license_role(request):
    access.require(request, access.has_license_role(request.auth), "license_role")


def _installation(request, installation_id):
    _license_role(request)
    return get_object_or_404(
        access.installations_visible_to(request.auth).select_related(
            "license", "license__customer", "maintenance"
        ),
        pk=installation_id,
    )


class InstallationFilters(Schema):
    """The Installations list's filters, as `GET /installations` and its export take them."""

    state: str = ""
    devices: str = ""
    customer: str = ""
    group: str = ""
    search: str = ""


@router.get("/installations", response=list[InstallationOut])
@paginate
def list_installations(request, filters: Query[InstallationFilters]):
    """Installations you may see, worst first. `state`: pending, healthy, attention,
    critical, offline, unknown or unmonitored. `devices`: in_grace, grace_ending (grace ends
    within 7 days), grace_expired or no_changes_left (changes without activation)."""
    _license_role(request)
    return queries.find_installations(request.auth, filters.dict())


@router.get("/installations/{id:installation_id}", response=InstallationDetail)
def get_installation(request, installation_id: int):
    """An installation with its latest report and its uptime over 24 h, 7 and 30 days: the
    share of the monitored time it was Healthy or Attention (since `monitoring_started_at`
    when that is later)."""
    installation = _installation(request, installation_id)
    health = getattr(installation, "health", None)
    installation.last_report = health.last_report() if health else None
    found = uptime.uptimes(installation) if health else [None] * len(uptime.WINDOWS)
    for label, measured in zip(("24h", "7d", "30d"), found, strict=True):
        setattr(installation, f"uptime_{label}", measured.percent if measured else None)
    installation.monitoring_started_at = found[0].started if health else None
    return installation


@router.get("/installations/{id:installation_id}/history", response=HistoryOut)
def get_history(request, installation_id: int, days: int = 7):
    """State changes and hourly figures of the last `days` days (at most 365)."""
    installation = _installation(request, installation_id)
    since = timezone.now() - timedelta(days=max(1, min(days, 365)))
    return {
        "changes": StateChange.objects.filter(installation=installation, at__gte=since),
        "hourly": HourlyStat.objects.filter(installation=installation, hour__gte=since).order_by(
            "hour"
        ),
    }


@router.post(
    "/installations/{id:installation_id}/monitoring-token", response={201: MonitoringTokenOut}
)
def rotate_token(request, installation_id: int):
    """Enable monitoring or rotate its token (the old one stops working). Shown once."""
    installation = _installation(request, installation_id)
    secret = tokens.issue_token(request.auth, installation, request=request)
    return 201, {"installation_id": installation.pk, "token": secret}


@router.delete("/installations/{id:installation_id}/monitoring-token", response={204: None})
def disable_monitoring(request, installation_id: int):
    tokens.disable(request.auth, _installation(request, installation_id), request=request)
    return 204, None


@router.put("/installations/{id:installation_id}/maintenance", response=MaintenanceOut)
def set_maintenance(request, installation_id: int, payload: MaintenanceIn):
    """Pause the installation's monitoring alerts: snooze for 1 hour or 1 day from now, or
    a window from `starts_at` to `ends_at` (at most 30 days). Replaces any window it had;
    alerts resume by themselves when it ends. Care reminders are never paused."""
    installation = _installation(request, installation_id)
    window = maintenance.set_maintenance(
        request.auth,
        installation,
        snooze=payload.snooze,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        request=request,
    )
    return _maintenance_out(window)


@router.delete("/installations/{id:installation_id}/maintenance", response={204: None})
def end_maintenance(request, installation_id: int):
    """End the installation's maintenance (or call off a planned one): alerts resume now."""
    maintenance.end_maintenance(request.auth, _installation(request, installation_id), request)
    return 204, None
