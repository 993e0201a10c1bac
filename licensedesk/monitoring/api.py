from datetime import datetime, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.monitoring import queries, tokens, uptime
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


class InstallationOut(Schema):
    id: int
    uuid: str
    hostname: str
    slc: str
    customer: str | None
    product_version: str
    devices_active: int
    health: HealthOut | None

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


class TokenOut(Schema):
    installation_id: int
    token: str


def _license_role(request):
    access.require(request, access.has_license_role(request.auth), "license_role")


def _installation(request, installation_id):
    _license_role(request)
    return get_object_or_404(
        access.installations_visible_to(request.auth).select_related(
            "license", "license__customer"
        ),
        pk=installation_id,
    )


@router.get("/installations", response=list[InstallationOut])
@paginate
def list_installations(
    request, state: str = "", customer: str = "", group: str = "", search: str = ""
):
    """Installations you may see, worst first. `state`: pending, healthy, attention,
    critical, offline, unknown or unmonitored."""
    _license_role(request)
    return queries.find_installations(
        request.auth, {"state": state, "customer": customer, "group": group, "search": search}
    )


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


@router.post("/installations/{id:installation_id}/monitoring-token", response={201: TokenOut})
def rotate_token(request, installation_id: int):
    """Enable monitoring or rotate its token (the old one stops working). Shown once."""
    installation = _installation(request, installation_id)
    secret = tokens.issue_token(request.auth, installation, request=request)
    return 201, {"installation_id": installation.pk, "token": secret}


@router.delete("/installations/{id:installation_id}/monitoring-token", response={204: None})
def disable_monitoring(request, installation_id: int):
    tokens.disable(request.auth, _installation(request, installation_id), request=request)
    return 204, None
