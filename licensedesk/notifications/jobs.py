from datetime import timedelta

from licensedesk.core.jobs import trims
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.services import fan_out
from licensedesk.outbox.registry import handler

DELIVERIES_KEPT = timedelta(days=365)


@handler("notifications.fanout")
def fan_out_event(payload: dict) -> None:
    fan_out(payload)


@trims("deliveries")
def trim_deliveries(now) -> int:
    return Delivery.objects.filter(
        state__in=[Delivery.State.SENT, Delivery.State.SKIPPED],
        created_at__lt=now - DELIVERIES_KEPT,
    ).delete()[0]
