"""Database-backed token buckets: limits that hold across web processes and restarts."""

import hashlib
import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
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


def _refilled(bucket: RateLimitBucket, limit: Limit, now) -> float:
    elapsed = (now - bucket.updated_at).total_seconds()
    return min(limit.capacity, bucket.tokens + elapsed * limit.refill_rate)


def consume(scope: str, ident: str, limit: Limit, cost: float = 1) -> None:
    """Take `cost` tokens or raise RateLimited with the seconds to wait."""
    key = _bucket_key(scope, ident)
    now = timezone.now()
    with transaction.atomic():
        bucket = RateLimitBucket.objects.select_for_update().filter(key=key).first()
        if bucket is None:
            try:
                with transaction.atomic():
                    RateLimitBucket.objects.create(
                        key=key, tokens=limit.capacity - cost, updated_at=now
                    )
                return
            except IntegrityError:
                bucket = RateLimitBucket.objects.select_for_update().get(key=key)
        tokens = _refilled(bucket, limit, now)
        if tokens < cost:
            raise RateLimited(max(1, math.ceil((cost - tokens) / limit.refill_rate)))
        bucket.tokens = tokens - cost
        bucket.updated_at = now
        bucket.save(update_fields=["tokens", "updated_at"])


def check(scope: str, ident: str, limit: Limit, cost: float = 1) -> None:
    """Raise RateLimited if `cost` tokens are not available, without taking any."""
    bucket = RateLimitBucket.objects.filter(key=_bucket_key(scope, ident)).first()
    if bucket is None:
        return
    tokens = _refilled(bucket, limit, timezone.now())
    if tokens < cost:
        raise RateLimited(max(1, math.ceil((cost - tokens) / limit.refill_rate)))


def reset(scope: str, ident: str) -> None:
    RateLimitBucket.objects.filter(key=_bucket_key(scope, ident)).delete()
