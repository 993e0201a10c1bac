from django.db import migrations, models


class Migration(migrations.Migration):
    """Buckets keep their time as epoch seconds, for arithmetic in SQL on every database.
    Existing buckets start full again (a stamp of 0 refills them on their next use)."""

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="ratelimitbucket", name="updated_at"),
        migrations.AddField(
            model_name="ratelimitbucket",
            name="stamp",
            field=models.FloatField(default=0),
            preserve_default=False,
        ),
    ]
