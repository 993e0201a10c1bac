"""Status reports: POST /api/v1/installations/{id}/status, the one request every installation
makes every minute. It is a plain Django view routed ahead of the API (licensedesk/urls.py):
django-ninja's machinery for each request cost the endpoint its margin over a do-nothing view
(docs/benchmarks.md). It answers like the rest of the API (RFC 9457 problem details) and the
API's OpenAPI schema describes it (`document`).

A report's token is checked first, then its installation, size and body; the state it means
by the company's thresholds is derived, and the writer stores it with its process's next
batch (or before the answer with LICENSEDESK_REPORT_FLUSH_MS=0). The token and the thresholds
come from the process's memory, so a known installation's report is accepted while the
database is away, into the writer's bounded buffer; one that needs the database to be
checked gets 503 with Retry-After, as does any report once that buffer takes no more."""

import pydantic
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from licensedesk.api.problems import (
    database_unavailable,
    invalid,
    problem,
    server_error,
    too_many_requests,
    unauthenticated,
    unavailable_problem,
)
from licensedesk.core import metrics
from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring import buffer, tokens, writer
from licensedesk.monitoring.reports import MAX_BYTES, StatusReport, derive_state
from licensedesk.monitoring.thresholds import thresholds_for


@csrf_exempt
def status_view(request, installation_id: int) -> HttpResponse:
    """202 when the report is accepted, else a problem: 503 with Retry-After while the
    database cannot be reached, 500 without a trace for anything unforeseen."""
    try:
        response = _answer(request, installation_id)
    except Exception as exc:
        if database_unavailable(exc):
            response = unavailable_problem(request)
        else:
            response = server_error(request)
    outcome = "accepted" if response.status_code == 202 else "refused"
    metrics.STATUS_REPORTS.labels(outcome).inc()
    return response


def _answer(request, installation_id: int) -> HttpResponse:
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
    # 413 before reading a body that says it is too big
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
    except buffer.Unavailable:  # nothing accepted: the client sends it again later
        return unavailable_problem(request, reconnect=False)
    except tokens.TokenGone:
        return unauthenticated(request)
    return HttpResponse(status=202)


def _invalid(request, exc: pydantic.ValidationError) -> HttpResponse:
    errors = exc.errors(include_url=False, include_context=False)
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(request, 400, "The body is not valid JSON.")
    return invalid(request, [{**e, "loc": ("body", "payload", *e["loc"])} for e in errors])


def receive(reporter: tokens.Reporter, report: StatusReport, now=None) -> str:
    """Take a validated report of `reporter`'s installation; returns its state. Raises
    RateLimited (too soon after the installation's last report), buffer.Unavailable (the
    process holds all the reports it may while the database is away), TokenGone (monitoring
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


PATH = "/api/v1/installations/{installation_id}/status"  # as licensedesk/urls.py routes it


def document(schema: dict) -> None:
    """Describe the endpoint in the API's OpenAPI `schema` (licensedesk/api/api.py)."""
    schema["components"].setdefault("securitySchemes", {})["MonitoringToken"] = {
        "type": "http",
        "scheme": "bearer",
    }
    problem_json = {"application/problem+json": {"schema": {"type": "object"}}}

    def answer(description):
        return {"description": description, "content": problem_json}

    schema["paths"][PATH] = {
        "post": {
            "operationId": "report_status",
            "summary": "Report an installation's status",
            "description": (
                "An installation reports its status (every minute or so) with its own "
                "monitoring token (`Authorization: Bearer ldmon_…`). 202 when accepted: the "
                "report is stored with its web process's next batch, within about 50 ms (a "
                "report that the database then refuses — its token revoked a moment before, "
                "or a second report within 10 s that reached another web process — is "
                "dropped).\n\n"
                "While the database cannot be reached, accepted reports are held in the web "
                "process's memory and stored, in their order, when it is back: at most "
                "LICENSEDESK_REPORT_BUFFER reports (10,000) per process, and for at most "
                "LICENSEDESK_REPORT_OUTAGE_S (30 s) of outage. Past either limit, and for a "
                "report whose token the process does not know yet, the answer is 503 with "
                "Retry-After and nothing is kept: send the report again after that many "
                "seconds (the reference client does). A graceful stop (SIGTERM) stores what "
                "is held; a process killed with -9 loses the reports it held: those of the "
                "last batch interval, or during an outage all it buffered.\n\n"
                "The optional `licenses` object counts the installation's device licenses by "
                "state (activated, in grace, grace expired, not licensed), the earliest end of "
                "a grace period and the changes allowed without activation; inconsistent "
                'counts are a 422 (docs/formats.md, "Device licenses in a status report").'
            ),
            "tags": ["installations"],
            "parameters": [
                {
                    "in": "path",
                    "name": "installation_id",
                    "required": True,
                    "schema": {"type": "integer", "title": "Installation Id"},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": StatusReport.model_json_schema()}},
            },
            "responses": {
                "202": {"description": "Accepted"},
                "400": answer("The body is not JSON."),
                "401": answer("A missing, unknown or revoked token."),
                "404": answer("The token is another installation's."),
                "405": answer("Another method than POST."),
                "413": answer("Over 256 KB."),
                "422": answer("A malformed report."),
                "429": answer("Less than 10 s after the last report (see Retry-After)."),
                "503": answer(
                    "The database is unreachable and the report could not be held: nothing "
                    "was kept; send it again after Retry-After seconds."
                ),
            },
            "security": [{"MonitoringToken": []}],
        }
    }
