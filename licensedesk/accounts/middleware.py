import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from licensedesk.accounts import two_factor

LOGIN_AT = "licensedesk.login_at"
SEEN_AT = "licensedesk.seen_at"


class SessionTimeoutMiddleware:
    """Idle and absolute session timeouts, checked on the server."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            # Without a session cookie there is no session to time out (API calls with a
            # token, health checks): the user is not even loaded.
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and user is not None
            and user.is_authenticated
            and hasattr(request, "session")
        ):
            now = time.time()
            login_at = request.session.get(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            if (
                now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - seen_at > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                if not request.path_info.startswith("/api/"):
                    return redirect(settings.LOGIN_URL)
            else:
                request.session.setdefault(LOGIN_AT, now)
                if now - seen_at > 60 or SEEN_AT not in request.session:
                    request.session[SEEN_AT] = now  # written at most once a minute
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """A company that requires two-factor authentication of its administrators sends an
    administrator without it to the setup page until it is done."""

    ALLOWED = (
        "/accounts/profile/two-factor/",
        "/accounts/logout/",
        "/static/",
        "/api/",
        "/favicon.ico",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            not request.path_info.startswith(self.ALLOWED)
            and user is not None
            and user.is_authenticated
            and two_factor.must_set_up(user)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
