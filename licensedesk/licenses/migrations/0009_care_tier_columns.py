"""Care tiers (`care.tiers`): one end date (and unbroken start) per tier, Care Plus and Care
Premium, indexed for the Licenses list like the one Care end before them. Filled by 0010;
the old columns go in 0012 (each its own transaction: PostgreSQL cannot alter a table whose
rows changed in the same transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0008_license_org_figures_idx"),
    ]

    operations = [

        migrations.AddField(
            model_name="license",
            name="care_plus_ends_on",
            field=models.DateField(blank=True, null=True, verbose_name="Care Plus ends"),
        ),
        migrations.AddField(
            model_name="license",
            name="care_premium_ends_on",
            field=models.DateField(blank=True, null=True, verbose_name="Care Premium ends"),
        ),
        migrations.AddField(
            model_name="license",
            name="care_plus_starts_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="license",
            name="care_premium_starts_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="license",
            index=models.Index(
                fields=["organization", "care_plus_ends_on", "id"], name="license_org_plus_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="license",
            index=models.Index(
                fields=["organization", "care_premium_ends_on", "id"],
                name="license_org_premium_idx",
            ),
        ),
    ]
