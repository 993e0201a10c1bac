"""Signed links for invitations and password resets: single-use (they embed a digest of the
password hash, so setting a password voids them), bound to the email address they were sent
to (correcting a mistyped address voids the link mailed to the typo) and expiring. An invited
user's unusable password is drawn anew at each resend, which voids the older invitations."""

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from licensedesk.accounts.models import User


def _state(user: User, purpose: str) -> str:
    value = f"{user.pk}|{user.email.lower()}|{user.password}|{user.last_login}|{user.is_active}"
    return salted_hmac(f"licensedesk.links.{purpose}", value).hexdigest()[:32]


def make_token(user: User, purpose: str) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user, purpose)}, salt=f"links.{purpose}")


def user_for_token(token: str, purpose: str, max_age: int) -> User | None:
    """The user the token was made for, or None if it is forged, expired or already used."""
    try:
        data = signing.loads(token, salt=f"links.{purpose}", max_age=max_age)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(data.get("s", ""), _state(user, purpose)):
        return None
    return user
