from datetime import timedelta

from licensedesk.care.scan import scan
from licensedesk.outbox.registry import handler
from licensedesk.outbox.schedule import every


@handler("care.scan")
def scan_care(payload: dict) -> None:
    scan()


every(timedelta(minutes=15), "care.scan")
