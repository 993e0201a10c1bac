from django.shortcuts import render

from licensedesk import access
from licensedesk.api.problems import problem


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def forbidden(request, exception=None):
    if exception is not None:
        access.record_refusal(request, exception)
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    if _is_api(request):  # an API client wants problem details, not a page
        return problem(request, 404, "Not found.", "not_found")
    return render(request, "404.html", status=404)


def server_error(request):
    if _is_api(request):
        return problem(request, 500, "Something went wrong on our side.", "server_error")
    return render(request, "500.html", status=500)
