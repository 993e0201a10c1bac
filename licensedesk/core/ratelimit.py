"""Database-backed token buckets: limits that hold across web processes and restarts."""

import hashlib
import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

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


def _refilled(bucket: RateLimitBucket, limit: Limit, now: float) -> float:
    return min(limit.capacity, bucket.tokens + (now - bucket.stamp) * limit.refill_rate)


def _wait(tokens: float, limit: Limit, cost: float) -> int:
    return max(1, math.ceil((cost - tokens) / limit.refill_rate))


def consume(scope: str, ident: str, limit: Limit, cost: float = 1) -> None:
    """Take `cost` tokens or raise RateLimited with the seconds to wait. Atomic on both
    databases: one conditional UPDATE refills the bucket for the time passed (capped at the
    capacity) and takes the tokens only if that leaves enough; a new bucket starts full."""
    key = _bucket_key(scope, ident)
    now = timezone.now().timestamp()
    capacity, cost = float(limit.capacity), float(cost)
    refilled = Least(F("tokens") + (Value(now) - F("stamp")) * limit.refill_rate, capacity)
    for _attempt in range(3):
        taken = (
            RateLimitBucket.objects.filter(key=key)
            .filter(GreaterThanOrEqual(refilled, cost))
            .update(tokens=refilled - cost, stamp=now)
        )
        if taken:
            return
        bucket = RateLimitBucket.objects.filter(key=key).first()
        if bucket is not None and _refilled(bucket, limit, now) < cost:
            break  # really empty
        if bucket is None and cost <= capacity:
            try:
                with transaction.atomic():
                    RateLimitBucket.objects.create(key=key, tokens=capacity - cost, stamp=now)
                return
            except IntegrityError:
                pass  # another request made it first: take from it on the next turn
        # else the bucket appeared after the UPDATE looked: take from it on the next turn
    raise RateLimited(_wait(_refilled(bucket, limit, now) if bucket else 0.0, limit, cost))


def give_back(scope: str, ident: str, limit: Limit, cost: float = 1) -> None:
    """Return tokens taken by `consume` for an attempt that turned out well (a right
    password): only failures use up the limit."""
    RateLimitBucket.objects.filter(key=_bucket_key(scope, ident)).update(
        tokens=Least(F("tokens") + float(cost), float(limit.capacity))
    )


def reset(scope: str, ident: str) -> None:
    RateLimitBucket.objects.filter(key=_bucket_key(scope, ident)).delete()
