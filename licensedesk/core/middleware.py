from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.shortcuts import render

from licensedesk.api.problems import invalid
from licensedesk.core import text


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: Content-Security-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Deny by default: every page needs a login unless marked @login_not_required.

    The API answers for itself (401 problem details), so it is left to django-ninja's auth.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RefuseControlCharactersMiddleware:
    """The text rule (core/text.py) for what every request carries outside its body: the path
    and the query string hold no NUL, control character or line break. Refused before any
    view runs: 422 problem details for the API, a plain 400 page for people."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = _bad_part(request)
        if found is None:
            return self.get_response(request)
        where, message = found
        if request.path_info.startswith("/api/"):
            return invalid(
                request, [{"loc": where, "msg": f"Text {message}.", "type": "invalid_text"}]
            )
        return render(
            request,
            "400.html",
            {"reason": f"The address of this page {message}."},
            status=400,
        )


def _bad_part(request) -> tuple[list, str] | None:
    found = text.problem(request.path_info, multiline=False)
    if found:
        return ["path"], found
    for key, values in request.GET.lists():
        for value in (key, *values):
            found = text.problem(value, multiline=False)
            if found:
                return ["query", key], found
    return None
