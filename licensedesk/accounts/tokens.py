"""Personal access tokens: 256 random bits, shown once, stored as SHA-256, revocable."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from licensedesk.accounts.models import PersonalAccessToken, User
from licensedesk.audit.services import record
from licensedesk.core import ratelimit
from licensedesk.core.errors import ServiceError

TOKEN_PREFIX = "ldpat_"
CREATE_LIMIT = ratelimit.Limit(capacity=20, per_seconds=3600)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str, request=None) -> tuple[PersonalAccessToken, str]:
    """Make a token; returns it and its secret, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("Give the token a name.", code="invalid_name", field="name")
    if len(name) > 100:
        raise ServiceError("The name is too long (100 characters at most).", field="name")
    ratelimit.consume("token-create", str(user.pk), CREATE_LIMIT)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = PersonalAccessToken.objects.create(
            user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 4], digest=digest(secret)
        )
        record("token.create", request=request, actor=user, target=token)
    return token, secret


def user_for_secret(secret: str) -> User | None:
    """The active user behind a token secret (with the user's company), or None: every API
    call with a token starts here."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    try:
        token = PersonalAccessToken.objects.select_related("user", "user__organization").get(
            digest=digest(secret), revoked_at__isnull=True
        )
    except PersonalAccessToken.DoesNotExist:
        return None
    user = token.user
    if not user.is_active or (user.organization and not user.organization.is_active):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def revoke_token(token: PersonalAccessToken, request=None) -> None:
    with transaction.atomic():
        if PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        ):
            record("token.revoke", request=request, target=token)


def revoke_all_tokens(user: User) -> int:
    return PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
