from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_grace_lead_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="notificationprofile",
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
    ]
