from licensedesk.notifications.services import fan_out
from licensedesk.outbox.registry import handler


@handler("notifications.fanout")
def fan_out_event(payload: dict) -> None:
    fan_out(payload)
