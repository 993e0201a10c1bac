"""The status-report endpoint, POST /api/v1/installations/{id}/status: a plain Django view
placed before the django-ninja routes, with the same answers as the rest of the API (RFC 9457
problem details); django-ninja's operation of the same path documents it in the OpenAPI
schema and delegates here. Then the report, from its checked token to the writer: the state
it means by the company's thresholds, queued for the next batch (or stored before the answer
with LICENSEDESK_REPORT_FLUSH_MS=0)."""

import pydantic
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from licensedesk.api.problems import (
    invalid,
    problem,
    server_error,
    too_many_requests,
    unauthenticated,
)
from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring import tokens, writer
from licensedesk.monitoring.reports import MAX_BYTES, StatusReport, derive_state
from licensedesk.monitoring.thresholds import thresholds_for


def receive(reporter: tokens.Reporter, report: StatusReport, now=None) -> str:
    """Take a validated report of `reporter`'s installation; returns its state. Raises
    RateLimited (too soon after the installation's last report), TokenGone (monitoring
    turned off or the token replaced since it was looked up) or NotStored."""
    now = now or timezone.now()
    state, reasons = derive_state(report, thresholds_for(reporter.organization_id))
    entry = writer.PendingReport.of(reporter, report, state, reasons, now)
    if writer.interval():
        writer.accept(entry)
        return state
    [(outcome, last_report_at)] = writer.store_reports([entry])
    if outcome == writer.GONE:
        if reporter.token_digest:
            tokens.forget(reporter.token_digest)
        raise tokens.TokenGone
    if outcome == writer.TOO_SOON:
        raise writer.too_soon(last_report_at, now)
    if outcome == writer.FAILED:
        raise writer.NotStored
    return state


def _invalid(request, exc: pydantic.ValidationError):
    errors = exc.errors(include_url=False, include_context=False)
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(request, 400, "The body is not valid JSON.")
    return invalid(request, [{**e, "loc": ("body", "payload", *e["loc"])} for e in errors])


def _receive(request, installation_id: int) -> HttpResponse:
    """Authenticate the monitoring token, validate the report, take it: 202, or a problem."""
    if request.method != "POST":
        response = problem(request, 405, "This endpoint answers POST.", "method_not_allowed")
        response["Allow"] = "POST"
        return response
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    reporter = tokens.reporter_for(token.strip()) if scheme.lower() == "bearer" else None
    if reporter is None:
        return unauthenticated(request)
    if reporter.installation_id != installation_id:
        return problem(request, 404, "Not found.", "not_found")
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES or len(request.body) > MAX_BYTES:
        return problem(request, 413, "A status report is at most 256 KB.")
    try:
        report = StatusReport.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        return _invalid(request, exc)
    try:
        receive(reporter, report)
    except RateLimited as exc:
        return too_many_requests(request, exc)
    except tokens.TokenGone:
        return unauthenticated(request)
    return HttpResponse(status=202)


@csrf_exempt
def status_view(request, installation_id: int):
    try:
        return _receive(request, installation_id)
    except Exception:
        return server_error(request)
