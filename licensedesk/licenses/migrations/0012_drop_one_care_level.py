"""Care tiers: the one Care level, end and start per license give way to the tiers' columns
(0009, filled by 0010)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0011_figures_per_care_tier"),
        ("care", "0005_care_tiers"),  # it reads the old columns to tell each firing's tier
    ]

    operations = [
        migrations.RemoveIndex(model_name="license", name="licenses_li_organiz_829f6d_idx"),
        migrations.RemoveField(model_name="license", name="care_level"),
        migrations.RemoveField(model_name="license", name="care_ends_on"),
        migrations.RemoveField(model_name="license", name="care_starts_on"),
    ]
