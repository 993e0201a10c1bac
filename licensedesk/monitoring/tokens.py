"""Monitoring tokens: a user enables monitoring of an installation (a token, shown once and
stored as its digest), rotates or revokes it; every status report is looked up by its token.

A web process remembers the tokens: at its first report it learns every enabled one in one
query, and a token issued since is looked up at its first report; so a report costs no query
before its answer. Remembering is safe: a report is stored only while its Health row still
holds its token and is enabled (`writer`), and a token found gone there is forgotten."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from licensedesk.audit.services import record
from licensedesk.monitoring.models import Health, State

TOKEN_PREFIX = "ldmon_"
MAX_TOKEN_LENGTH = 200
REMEMBERED = 100_000  # tokens a web process keeps in memory before it starts again


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(user, installation, request=None) -> str:
    """Enable monitoring, or rotate its token: the old token stops working. Returns the new
    secret, which is shown once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    health, created = Health.objects.select_for_update().get_or_create(
        installation=installation,
        defaults={
            "organization_id": installation.license.organization_id,
            "license_id": installation.license_id,
            "state_since": now,
        },
    )
    health.token_digest = digest(secret)
    health.token_prefix = secret[: len(TOKEN_PREFIX) + 4]
    health.enabled = True
    if health.state == State.UNKNOWN and (change := health.change_state(State.PENDING, [], now)):
        change.save()
    health.save()
    record(
        "monitoring.enable" if created else "monitoring.rotate_token",
        request=request,
        actor=user,
        target=installation,
    )
    return secret


@transaction.atomic
def disable(user, installation, request=None) -> None:
    """Turn monitoring off: the token stops working at once."""
    health = Health.objects.select_for_update().filter(installation=installation).first()
    if health is None or not health.enabled:
        return
    health.token_digest = None
    health.enabled = False
    if change := health.change_state(State.UNKNOWN, ["monitoring disabled"], timezone.now()):
        change.save()
    health.alerted_state = State.UNKNOWN  # disabling is no outage: nothing to alert
    health.save()
    record("monitoring.disable", request=request, actor=user, target=installation)


@dataclass(frozen=True)
class Reporter:
    """The installation a monitoring token speaks for, as a report needs it."""

    health_id: int
    installation_id: int
    organization_id: int
    token_digest: str | None

    @classmethod
    def of(cls, health: Health) -> "Reporter":
        return cls(health.pk, health.installation_id, health.organization_id, health.token_digest)


_remembered: dict[str, Reporter] = {}
_learned = False  # whether this process learned every enabled token


def reporter_for(secret: str) -> Reporter | None:
    """The installation this token speaks for (monitoring enabled), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_TOKEN_LENGTH:
        return None
    if not _learned:
        _learn_enabled_tokens()
    token_digest = digest(secret)
    reporter = _remembered.get(token_digest)
    if reporter is None:
        reporter = _look_up(token_digest)
        if reporter is not None:
            _remember(reporter)
    return reporter


def _look_up(token_digest: str) -> Reporter | None:
    found = _enabled().filter(token_digest=token_digest).first()
    return Reporter(*found) if found else None


def _learn_enabled_tokens() -> None:
    """All enabled tokens in one query, rather than each at its first report to this process,
    one query apiece, after every start of a web process."""
    global _learned
    for reporter in _enabled()[:REMEMBERED]:
        _remember(Reporter(*reporter))
    _learned = True  # not before: a query the database failed is tried again


def _enabled():
    return Health.objects.filter(enabled=True, token_digest__isnull=False).values_list(
        "pk", "installation_id", "organization_id", "token_digest"
    )


def _remember(reporter: Reporter) -> None:
    if len(_remembered) >= REMEMBERED:
        _remembered.clear()
    _remembered[reporter.token_digest] = reporter


def forget(token_digest: str) -> None:
    """A token found gone when its report was stored: its next report is looked up again."""
    _remembered.pop(token_digest, None)


def forget_all() -> None:
    """Forget every token, as a new process (tests)."""
    global _learned
    _remembered.clear()
    _learned = False


class TokenGone(Exception):
    """The token was revoked or rotated, or monitoring turned off, since it was looked up."""
