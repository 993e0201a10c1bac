import sys

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from licensedesk import access
from licensedesk.api.problems import RETRY_AFTER, database_unavailable, problem, unavailable_problem


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


@login_not_required
def health(request):
    """Liveness: the process answers. Costs nothing, touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the static one,
    which WhiteNoise serves with a long cache lifetime."""
    return redirect(static("licensedesk/favicon.ico"))


@login_not_required
def ready(request):
    """Readiness, for load balancers: whether this web node can serve, i.e. reach its
    database. A dead worker does not take web nodes out of rotation (see /metrics)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        connection.close()
        return JsonResponse({"ready": False, "database": "unreachable"}, status=503)
    return JsonResponse({"ready": True, "database": "ok"})


def unavailable(request):
    """503 with Retry-After while the database cannot be reached: problem details for the
    API, a plain page for people; never a 500."""
    if _is_api(request):
        return unavailable_problem(request)
    connection.close()  # the next request starts with a new connection
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def forbidden(request, exception=None):
    if exception is not None:
        access.record_refusal(request, exception)
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    if _is_api(request):  # an API client wants problem details, not a page
        return problem(request, 404, "Not found.", "not_found")
    return render(request, "404.html", status=404)


def server_error(request):
    if database_unavailable(sys.exc_info()[1]):  # called while the error is handled
        return unavailable(request)
    if _is_api(request):
        return problem(request, 500, "Something went wrong on our side.", "server_error")
    return render(request, "500.html", status=500)
