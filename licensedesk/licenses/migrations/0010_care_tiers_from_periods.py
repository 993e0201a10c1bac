"""Care tiers (`care.tiers`): one end date (and unbroken start) per tier, Care Plus and Care
Premium, instead of one Care level and end per license. Each period's level decides its tier;
Basic periods stay in the history and end no tier.

A tier's end is the end of its last period (what the old columns held for the current
level). The current level keeps its start as it was; another tier only needs one when its
Care starts later (an empty start means "started", as in 0004), so only those few licenses
are walked. Everything else is one UPDATE per tier."""

from datetime import timedelta

from django.db import migrations
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

TIERS = {"plus": "Plus", "premium": "Premium"}


def start_of_chain(periods, until):
    """The first day of the unbroken Care of `periods` (in start order) up to `until`."""
    start = last = None
    for period in periods:
        if period.starts_on > until:
            break
        if last is None or period.starts_on > last + timedelta(days=1):
            start = period.starts_on
        last = max(last or period.ends_on, period.ends_on)
    return start


def to_tiers(apps, schema_editor):
    License = apps.get_model("licenses", "License")
    CarePeriod = apps.get_model("care", "CarePeriod")
    today = timezone.localdate()
    for tier, level in TIERS.items():
        ends, starts = f"care_{tier}_ends_on", f"care_{tier}_starts_on"
        periods = CarePeriod.objects.filter(license=OuterRef("pk"), level=level)
        last = periods.order_by("-id").values("ends_on")[:1]
        License.objects.filter(Exists(periods)).update(**{ends: Subquery(last)})
        later = CarePeriod.objects.filter(level=level, starts_on__gt=today).values("license_id")
        for lic in License.objects.filter(pk__in=later).exclude(care_level=level):
            chain = CarePeriod.objects.filter(license=lic, level=level).order_by("starts_on", "id")
            start = start_of_chain(chain, getattr(lic, ends))
            if start is not None and start > today:
                License.objects.filter(pk=lic.pk).update(**{starts: start})
        License.objects.filter(care_level=level, care_ends_on__isnull=False).update(
            **{ends: F("care_ends_on"), starts: F("care_starts_on")}
        )


def to_one_level(apps, schema_editor):
    """Back: the tier that ends last is the license's Care (Premium on a tie)."""
    License = apps.get_model("licenses", "License")
    License.objects.filter(care_plus_ends_on__isnull=False).update(
        care_level="Plus", care_ends_on=F("care_plus_ends_on"), care_starts_on=F("care_plus_starts_on")
    )
    License.objects.filter(
        Q(care_plus_ends_on__isnull=True) | Q(care_premium_ends_on__gte=F("care_plus_ends_on")),
        care_premium_ends_on__isnull=False,
    ).update(
        care_level="Premium",
        care_ends_on=F("care_premium_ends_on"),
        care_starts_on=F("care_premium_starts_on"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0009_care_tier_columns"),
        ("care", "0005_care_tiers"),
    ]

    operations = [
        migrations.RunPython(to_tiers, to_one_level),
    ]
