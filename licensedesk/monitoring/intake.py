"""The status-report endpoint, POST /api/v1/installations/{id}/status: the hottest request
there is (every installation, every minute), so it is a plain Django view placed before the
django-ninja routes, with the same answers as the rest of the API (RFC 9457 problem details).
django-ninja's operation of the same path documents it in the OpenAPI schema and delegates
here. Measured: the ninja machinery (routing, parameter and auth plumbing) cost about a tenth
of a report (docs/benchmarks.md)."""

import logging

import pydantic
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from licensedesk.api.problems import problem
from licensedesk.core.errors import ServiceError
from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring import services
from licensedesk.monitoring.reports import MAX_BYTES, StatusReport

log = logging.getLogger(__name__)


def _unauthenticated(request):
    response = problem(
        request, 401, "Give a valid token: Authorization: Bearer <token>.", "not_authenticated"
    )
    response["WWW-Authenticate"] = 'Bearer realm="licensedesk"'
    return response


def receive(request, installation_id: int) -> HttpResponse:
    """Authenticate the monitoring token, validate the report, store it: 202, or a problem."""
    if request.method != "POST":
        response = problem(request, 405, "This endpoint answers POST.", "method_not_allowed")
        response["Allow"] = "POST"
        return response
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthenticated(request)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
        return problem(request, 413, "A status report is at most 256 KB.")
    try:
        health = services.health_for_token(token.strip())
        if health is None:
            return _unauthenticated(request)
        if health.installation_id != installation_id:
            # a token only speaks for its own installation
            return problem(request, 404, "Not found.", "not_found")
        body = request.body
        if len(body) > MAX_BYTES:  # sent without a Content-Length
            return problem(request, 413, "A status report is at most 256 KB.")
        try:
            report = StatusReport.model_validate_json(body)
        except pydantic.ValidationError as exc:
            errors = exc.errors(include_url=False, include_context=False)
            if any(e["type"] == "json_invalid" for e in errors):
                return problem(request, 400, "The body is not valid JSON.")
            return problem(
                request,
                422,
                "The request is not valid.",
                "validation_error",
                errors=[
                    {
                        "loc": ["body", "payload", *(str(p) for p in e["loc"])],
                        "msg": e["msg"],
                        "type": e["type"],
                    }
                    for e in errors
                ],
            )
        services.ingest(health, report)
    except RateLimited as exc:
        response = problem(request, 429, str(exc), "rate_limited")
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ServiceError as exc:
        return problem(request, exc.status, exc.message, exc.code)
    return HttpResponse(status=202)


@csrf_exempt
def status_view(request, installation_id: int):
    try:
        return receive(request, installation_id)
    except Exception:
        log.exception("API error on %s", request.path)
        return problem(request, 500, "Something went wrong on our side.", "server_error")
