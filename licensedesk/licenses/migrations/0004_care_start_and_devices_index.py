from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    """Only Care that starts later needs its start: for every other license an empty start
    means "started", which is true. Walks the periods of those few licenses."""
    License = apps.get_model("licenses", "License")
    CarePeriod = apps.get_model("care", "CarePeriod")
    today = timezone.localdate()
    later = CarePeriod.objects.filter(starts_on__gt=today).values("license_id")
    for lic in License.objects.filter(pk__in=later, care_ends_on__isnull=False):
        start = until = None
        for period in CarePeriod.objects.filter(
            license=lic, starts_on__lte=lic.care_ends_on
        ).order_by("starts_on", "id"):
            if until is None or period.starts_on > until + timedelta(days=1):
                start = period.starts_on
            until = max(until or period.ends_on, period.ends_on)
        if start is not None and start > today:
            lic.care_starts_on = start
            lic.save(update_fields=["care_starts_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0003_search_parts_from_indexes"),
        ("care", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="license",
            name="care_starts_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="license",
            index=models.Index(
                fields=["organization"],
                include=("device_licenses", "devices_used"),
                name="license_org_devices_idx",
            ),
        ),
    ]
