"""The status-report endpoint, POST /api/v1/installations/{id}/status: the hottest request
there is (every installation, every minute), so it is a plain Django view placed before the
django-ninja routes, with the same answers as the rest of the API (RFC 9457 problem details).
django-ninja's operation of the same path documents it in the OpenAPI schema and delegates
here. Measured: the ninja machinery (routing, parameter and auth plumbing) cost about a tenth
of a report (docs/benchmarks.md)."""

import pydantic
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from licensedesk.api.problems import (
    invalid,
    problem,
    server_error,
    too_many_requests,
    unauthenticated,
)
from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring import services
from licensedesk.monitoring.reports import MAX_BYTES, StatusReport


class _Refused(Exception):
    def __init__(self, response):
        self.response = response


def _invalid(request, exc: pydantic.ValidationError):
    errors = exc.errors(include_url=False, include_context=False)
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(request, 400, "The body is not valid JSON.")
    return invalid(request, [{**e, "loc": ("body", "payload", *e["loc"])} for e in errors])


def receive(request, installation_id: int) -> HttpResponse:
    """Authenticate the monitoring token, validate the report, store it: 202, or a problem."""
    if request.method != "POST":
        response = problem(request, 405, "This endpoint answers POST.", "method_not_allowed")
        response["Allow"] = "POST"
        return response
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return unauthenticated(request)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
        return problem(request, 413, "A status report is at most 256 KB.")

    def read_report():  # once the token is known to speak for this installation
        body = request.body
        if len(body) > MAX_BYTES:  # sent without a Content-Length
            raise _Refused(problem(request, 413, "A status report is at most 256 KB."))
        try:
            return StatusReport.model_validate_json(body)
        except pydantic.ValidationError as exc:
            raise _Refused(_invalid(request, exc)) from None

    try:
        state = services.receive_report(token, installation_id, read_report)
    except _Refused as refused:
        return refused.response
    except services.NotYours:
        return problem(request, 404, "Not found.", "not_found")
    except RateLimited as exc:
        return too_many_requests(request, exc)
    if state is None:
        return unauthenticated(request)
    return HttpResponse(status=202)


@csrf_exempt
def status_view(request, installation_id: int):
    try:
        return receive(request, installation_id)
    except Exception:
        return server_error(request)
