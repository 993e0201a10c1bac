from datetime import datetime, timedelta

import pydantic
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import paginate
from ninja.security import HttpBearer

from licensedesk import access
from licensedesk.monitoring import intake, queries, tokens, uptime
from licensedesk.monitoring.models import HourlyStat, StateChange
from licensedesk.monitoring.reports import MAX_BYTES, StatusReport

router = Router(tags=["installations"])


class MonitoringToken(HttpBearer):
    """An installation's own monitoring token: `Authorization: Bearer ldmon_…`."""

    def authenticate(self, request, token):
        return tokens.reporter_for(token)


@router.post(
    "/installations/{int:installation_id}/status",
    auth=MonitoringToken(),
    response={202: None},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": StatusReport.model_json_schema()}},
        }
    },
)
def report_status(request, installation_id: int):
    """An installation reports its status (every minute or so) with its own monitoring token
    (`Authorization: Bearer ldmon_…`). 202 when accepted: the report is stored with its web
    process's next batch, within about 50 ms (a report that the database then refuses — its
    token revoked a moment before, or a second report within 10 s that reached another web
    process — is dropped). 401 for a missing, unknown or revoked token, 404 for another
    installation's, 413 over 256 KB, 400/422 for a malformed report, 429 with `Retry-After`
    for reports less than 10 s apart."""
    reporter = request.auth
    if reporter.installation_id != installation_id:
        raise Http404
    try:
        intake.receive(reporter, _report_in(request))
    except tokens.TokenGone:
        raise AuthenticationError from None
    return HttpResponse(status=202)


def _report_in(request) -> StatusReport:
    """The report in the request's body: 413 over MAX_BYTES (before reading a body that says
    it is), 400 for what is no JSON, 422 for a report that is not valid."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES or len(request.body) > MAX_BYTES:
        raise HttpError(413, "A status report is at most 256 KB.")
    try:
        return StatusReport.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        if any(e["type"] == "json_invalid" for e in errors):
            raise HttpError(400, "The body is not valid JSON.") from None
        located = [{**e, "loc": ("body", "payload", *e["loc"])} for e in errors]
        raise ValidationError(located) from None


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


@router.get("/installations/{int:installation_id}", response=InstallationDetail)
def get_installation(request, installation_id: int):
    installation = _installation(request, installation_id)
    health = getattr(installation, "health", None)
    installation.last_report = health.last_report() if health else None
    for label, days in (("24h", 1), ("7d", 7), ("30d", 30)):
        setattr(
            installation,
            f"uptime_{label}",
            uptime.uptime(installation, timedelta(days=days)) if health else None,
        )
    return installation


@router.get("/installations/{int:installation_id}/history", response=HistoryOut)
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


@router.post("/installations/{int:installation_id}/monitoring-token", response={201: TokenOut})
def rotate_token(request, installation_id: int):
    """Enable monitoring or rotate its token (the old one stops working). Shown once."""
    installation = _installation(request, installation_id)
    secret = tokens.issue_token(request.auth, installation, request=request)
    return 201, {"installation_id": installation.pk, "token": secret}


@router.delete("/installations/{int:installation_id}/monitoring-token", response={204: None})
def disable_monitoring(request, installation_id: int):
    tokens.disable(request.auth, _installation(request, installation_id), request=request)
    return 204, None
