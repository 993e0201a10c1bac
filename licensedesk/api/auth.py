from ninja.security import HttpBearer, SessionAuth

from licensedesk.accounts import two_factor
from licensedesk.accounts.tokens import user_for_secret


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <personal access token>`; never a token in the URL."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = user_for_secret(token)
        if user is not None:
            request.user = user  # so permission checks and audit (a refusal's too) see the user
            two_factor.check_api_caller(user, session_verified=None)
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser session, with CSRF checked on unsafe methods."""

    def _get_key(self, request):
        # Without a session cookie this is no browser call: answer 401, not a CSRF error.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        two_factor.check_api_caller(user, session_verified=request.user.is_verified())
        return user
