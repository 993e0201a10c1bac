"""Care tiers (`care.tiers`): firings and reminders say which tier they are about.

Each firing so far was about the license's one Care chain; its tier is the level of the
period that ended on its date (or the license's current level for its current end). Firings
of Care Basic, which is no tier and has no reminders now, are dropped: they only kept a
Basic reminder from firing twice."""

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef, Q


def tier_of_firings(apps, schema_editor):
    CareFiring = apps.get_model("care", "CareFiring")
    CarePeriod = apps.get_model("care", "CarePeriod")

    def ended_as(level):
        period = CarePeriod.objects.filter(
            license=OuterRef("license"), ends_on=OuterRef("care_ends_on"), level=level
        )
        current = Q(license__care_level=level, license__care_ends_on=F("care_ends_on"))
        return Q(Exists(period)) | current

    CareFiring.objects.filter(ended_as("Premium")).exclude(ended_as("Plus")).update(
        tier="premium"
    )
    CareFiring.objects.exclude(ended_as("Plus") | ended_as("Premium")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0004_carefiring_profile_carereminder_group_and_more"),
        ("licenses", "0006_search_document_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="carefiring",
            name="tier",
            field=models.CharField(
                choices=[("plus", "Care Plus"), ("premium", "Care Premium")],
                default="plus",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(model_name="carefiring", name="reminder_firing_once"),
        migrations.RemoveConstraint(model_name="carefiring", name="profile_firing_once"),
        migrations.AddConstraint(
            model_name="carefiring",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reminder__isnull", False)),
                fields=("reminder", "license", "tier", "care_ends_on", "lead_days"),
                name="reminder_firing_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="carefiring",
            constraint=models.UniqueConstraint(
                condition=models.Q(("profile__isnull", False)),
                fields=("profile", "license", "tier", "care_ends_on", "lead_days"),
                name="profile_firing_once",
            ),
        ),
        migrations.AddField(
            model_name="carereminder",
            name="care_tiers",
            field=models.CharField(
                choices=[
                    ("both", "Care Plus and Care Premium"),
                    ("plus", "Care Plus"),
                    ("premium", "Care Premium"),
                ],
                default="both",
                max_length=10,
                verbose_name="Care tiers",
            ),
        ),
        # Last: on PostgreSQL, a table whose rows changed in a transaction cannot be altered
        # in it any more.
        migrations.RunPython(tier_of_firings, migrations.RunPython.noop),
    ]
