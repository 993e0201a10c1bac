"""RFC 9457 problem details for every error the API returns."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError, HttpError, ValidationError

from licensedesk import access
from licensedesk.core.errors import ServiceError
from licensedesk.core.ratelimit import RateLimited

log = logging.getLogger(__name__)

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(request, status: int, detail: str, code: str | None = None, **extra) -> JsonResponse:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if code:
        body["code"] = code
    body.update(extra)
    return JsonResponse(body, status=status, content_type="application/problem+json")


def unauthenticated(request) -> JsonResponse:
    response = problem(
        request, 401, "Give a valid token: Authorization: Bearer <token>.", "not_authenticated"
    )
    response["WWW-Authenticate"] = 'Bearer realm="licensedesk"'
    return response


def too_many_requests(request, exc: RateLimited) -> JsonResponse:
    response = problem(request, 429, str(exc), "rate_limited")
    response["Retry-After"] = str(exc.retry_after)
    return response


def invalid(request, errors) -> JsonResponse:
    """422 with each error's location, message and type (pydantic's error dicts)."""
    return problem(
        request,
        422,
        "The request is not valid.",
        "validation_error",
        errors=[
            {
                "loc": [str(p) for p in e.get("loc", [])],
                "msg": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in errors
        ],
    )


RETRY_AFTER = 30  # seconds: about a database restart or a failover


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether an error means the database cannot be reached (down, restarting, locked)."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_problem(request, reconnect: bool = True) -> JsonResponse:
    """503 with Retry-After while the database cannot be reached: never a 500. `reconnect`:
    the request met the broken connection, which the next request replaces."""
    if reconnect:
        connection.close()
    response = problem(
        request,
        503,
        "The service is temporarily unavailable; try again shortly.",
        "temporarily_unavailable",
    )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request) -> JsonResponse:
    """500, the error logged with its trace; the client sees none of it."""
    log.exception("API error on %s", request.path)
    return problem(request, 500, "Something went wrong on our side.", "server_error")


def install(api) -> None:
    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        extra = {"field": exc.field} if exc.field else {}
        return problem(request, exc.status, exc.message, exc.code, **extra)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return invalid(request, exc.errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return unauthenticated(request)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(request, 404, "Not found.", "not_found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        access.record_refusal(request, exc)
        detail = str(exc) or "You don't have permission to do this."
        return problem(request, 403, detail, getattr(exc, "code", "forbidden"))

    @api.exception_handler(RateLimited)
    def rate_limited(request, exc: RateLimited):
        return too_many_requests(request, exc)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, ServiceError):  # django-ninja wraps its parser's errors
            return service_error(request, exc.__cause__)
        if isinstance(exc.__cause__, ValidationError):
            return invalid(request, exc.__cause__.errors)
        return problem(request, exc.status_code, str(exc))

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return problem(
            request, 413, f"The request body is larger than {limit:,} bytes.", "payload_too_large"
        )

    @api.exception_handler(MultiPartParserError)
    def malformed_multipart(request, exc):
        return problem(request, 400, "The multipart/form-data body is malformed.", "bad_multipart")

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        if database_unavailable(exc):
            log.warning("API %s: database unavailable: %s", request.path, exc)
            return unavailable_problem(request)
        return server_error(request)
