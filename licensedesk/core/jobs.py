"""Housekeeping: tables that only grow are trimmed once a day by the worker."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from licensedesk.core.models import RateLimitBucket
from licensedesk.outbox.models import Job
from licensedesk.outbox.registry import handler
from licensedesk.outbox.schedule import every

FINISHED_JOBS_KEPT = timedelta(days=30)
DELIVERIES_KEPT = timedelta(days=365)
IDLE_BUCKETS_KEPT = timedelta(days=1)  # a bucket idle this long is full again anyway


def housekeep(now=None) -> dict:
    from licensedesk.accounts import signup
    from licensedesk.accounts.models import PendingSignup
    from licensedesk.notifications.models import Delivery

    now = now or timezone.now()
    return {
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "buckets": RateLimitBucket.objects.filter(
            stamp__lt=(now - IDLE_BUCKETS_KEPT).timestamp()
        ).delete()[0],
        "jobs": Job.objects.filter(
            state__in=[Job.State.DONE, Job.State.FAILED],
            finished_at__lt=now - FINISHED_JOBS_KEPT,
        ).delete()[0],
        "deliveries": Delivery.objects.filter(
            state__in=[Delivery.State.SENT, Delivery.State.SKIPPED],
            created_at__lt=now - DELIVERIES_KEPT,
        ).delete()[0],
        # A link lives as long as its pending sign-up (accounts/signup.py).
        "signups": PendingSignup.objects.filter(created_at__lt=now - signup.MAX_AGE).delete()[0],
    }


@handler("core.housekeeping")
def housekeeping(payload: dict) -> None:
    housekeep()


every(timedelta(days=1), "core.housekeeping")
