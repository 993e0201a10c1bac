from datetime import timedelta

from licensedesk.monitoring import alerts, grace, history, offline
from licensedesk.outbox.registry import handler
from licensedesk.outbox.schedule import every


@handler("monitoring.watch")
def watch(payload: dict) -> None:
    """Offline detection, then alerts for the changes that held and the grace alerts."""
    offline.detect_offline()
    alerts.send_alerts()
    grace.send_grace_alerts()


@handler("monitoring.downsample")
def downsample(payload: dict) -> None:
    history.downsample()


every(timedelta(seconds=30), "monitoring.watch")
every(timedelta(hours=1), "monitoring.downsample")
