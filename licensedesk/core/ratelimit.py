"""Database-backed token buckets: limits that hold across web processes and restarts."""

import hashlib
import math
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from licensedesk.core import rows
from licensedesk.core.models import RateLimitBucket


@dataclass(frozen=True)
class Limit:
    """`capacity` requests, refilled evenly over `per_seconds`."""

    capacity: int
    per_seconds: int

    @property
    def refill_rate(self) -> float:
        return self.capacity / self.per_seconds


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many requests; retry after {retry_after} s")
        self.retry_after = retry_after


def _bucket_key(scope: str, ident: str) -> str:
    # Identifiers may be emails or addresses: keep them out of the table in clear.
    return f"{scope}:{hashlib.sha256(ident.lower().encode()).hexdigest()[:40]}"


# One statement counts a request on every database: the bucket is made full (less this
# request) if it is new; otherwise it is refilled for the time passed, capped at the capacity,
# and the request is taken only if that leaves enough. A row comes back only if it was taken.
_REFILLED = (
    "CASE WHEN core_ratelimitbucket.tokens + (%(now)s - core_ratelimitbucket.stamp) * %(rate)s"
    " > %(capacity)s THEN %(capacity)s"
    " ELSE core_ratelimitbucket.tokens + (%(now)s - core_ratelimitbucket.stamp) * %(rate)s END"
)
_CONSUME = f"""
INSERT INTO core_ratelimitbucket (key, tokens, stamp)
VALUES (%(key)s, %(capacity)s - %(cost)s, %(now)s)
ON CONFLICT (key) DO UPDATE
SET tokens = ({_REFILLED}) - %(cost)s, stamp = %(now)s
WHERE ({_REFILLED}) >= %(cost)s
RETURNING tokens
"""


def _refilled(bucket: RateLimitBucket, limit: Limit, now: float) -> float:
    return min(limit.capacity, bucket.tokens + (now - bucket.stamp) * limit.refill_rate)


def _wait(tokens: float, limit: Limit, cost: float) -> int:
    return max(1, math.ceil((cost - tokens) / limit.refill_rate))


def consume(scope: str, ident: str, limit: Limit, cost: float = 1) -> None:
    """Take `cost` tokens or raise RateLimited with the seconds to wait."""
    key = _bucket_key(scope, ident)
    now = timezone.now().timestamp()
    params = {
        "key": key,
        "now": now,
        "rate": float(limit.refill_rate),
        "capacity": float(limit.capacity),
        "cost": float(cost),
    }
    if rows.fetch_one(_CONSUME, params) is not None:
        return
    bucket = RateLimitBucket.objects.filter(key=key).first()
    raise RateLimited(_wait(_refilled(bucket, limit, now) if bucket else 0.0, limit, cost))


def give_back(scope: str, ident: str, limit: Limit, cost: float = 1) -> None:
    """Return tokens taken by `consume` for an attempt that turned out well (a right
    password): only failures use up the limit."""
    RateLimitBucket.objects.filter(key=_bucket_key(scope, ident)).update(
        tokens=Least(F("tokens") + float(cost), float(limit.capacity))
    )


def reset(scope: str, ident: str) -> None:
    RateLimitBucket.objects.filter(key=_bucket_key(scope, ident)).delete()
