"""Care tiers: the one Care level, end and start per license give way to the tiers' columns
(0007, filled by 0008)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0008_care_tiers_from_periods"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="license", name="licenses_li_organiz_829f6d_idx"),
        migrations.RemoveField(model_name="license", name="care_level"),
        migrations.RemoveField(model_name="license", name="care_ends_on"),
        migrations.RemoveField(model_name="license", name="care_starts_on"),
    ]
