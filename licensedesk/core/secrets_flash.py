"""Show a new secret (a token, a calendar link) once, across the redirect after its POST,
without ever writing it to the database: it rides in a short-lived signed cookie that only
the page that shows it receives, and that page deletes it."""

from django.conf import settings

MAX_AGE = 120


def flash(response, name: str, secret: str, path: str) -> None:
    response.set_signed_cookie(
        name,
        secret,
        salt=f"flash.{name}",
        max_age=MAX_AGE,
        path=path,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


def take(request, name: str) -> str | None:
    """The flashed secret, if a valid one came with the request."""
    return request.get_signed_cookie(name, default=None, salt=f"flash.{name}", max_age=MAX_AGE)


def clear(request, response, name: str, path: str) -> None:
    """Delete the cookie (shown once), and keep the page out of every cache."""
    if name in request.COOKIES:
        response.delete_cookie(name, path=path, samesite="Strict")
        response["Cache-Control"] = "no-store"
