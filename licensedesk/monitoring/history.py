"""History: raw reports are kept two days and folded into hourly figures, which are kept a
year like the state changes (the `monitoring.downsample` job, every hour)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from licensedesk.monitoring.models import HourlyStat, Report, State, StateChange

RAW_KEPT = timedelta(hours=48)
HOURLY_KEPT = timedelta(days=365)


def downsample(now=None) -> dict:
    """Fold raw reports into hourly figures, and prune what is past its keeping time."""
    now = now or timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    hours = (
        Report.objects.filter(received_at__gte=now - RAW_KEPT, received_at__lt=this_hour)
        .annotate(hour=TruncHour("received_at"))
        .values("installation_id", "hour")
        .annotate(
            n=Count("id"),
            healthy=Count("id", filter=Q(state=State.HEALTHY)),
            attention=Count("id", filter=Q(state=State.ATTENTION)),
            critical=Count("id", filter=Q(state=State.CRITICAL)),
            cpu=Avg("cpu"),
            memory=Avg("memory"),
            offline=Max("devices_offline"),
        )
    )
    stats = [
        HourlyStat(
            installation_id=h["installation_id"],
            hour=h["hour"],
            reports=h["n"],
            healthy=h["healthy"],
            attention=h["attention"],
            critical=h["critical"],
            cpu_avg=h["cpu"],
            memory_avg=h["memory"],
            devices_offline_max=h["offline"],
        )
        for h in hours
    ]
    with transaction.atomic():
        HourlyStat.objects.bulk_create(
            stats,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["installation", "hour"],
            update_fields=[
                "reports",
                "healthy",
                "attention",
                "critical",
                "cpu_avg",
                "memory_avg",
                "devices_offline_max",
            ],
        )
        pruned_raw = Report.objects.filter(received_at__lt=now - RAW_KEPT).delete()[0]
        pruned_hourly = HourlyStat.objects.filter(hour__lt=now - HOURLY_KEPT).delete()[0]
        pruned_changes = StateChange.objects.filter(at__lt=now - HOURLY_KEPT).delete()[0]
    return {
        "hours": len(stats),
        "pruned_raw": pruned_raw,
        "pruned_hourly": pruned_hourly,
        "pruned_changes": pruned_changes,
    }
