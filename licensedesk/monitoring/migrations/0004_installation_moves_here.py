"""The Installation model moves from the activation app to monitoring, which owns its pages
and API. Only Django's idea of the model moves: the table keeps its name
(activation_installation) and every row stays where it is. The content type follows, so
that permissions given on installations still hold."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="monitoring", model="installation").exists():
        ContentType.objects.filter(app_label="activation", model="installation").update(
            app_label="monitoring"
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="activation", model="installation").exists():
        ContentType.objects.filter(app_label="monitoring", model="installation").update(
            app_label="activation"
        )


def _to_installation(field_class, related_name, **options):
    return field_class(
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="monitoring.installation",
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activation", "0002_drop_indexes_covered_by_composites"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("licenses", "0003_search_parts_from_indexes"),
        ("monitoring", "0003_latest_report_apart"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Installation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("uuid", models.UUIDField(verbose_name="installation id")),
                        ("hostname", models.CharField(blank=True, max_length=200)),
                        ("product_version", models.CharField(blank=True, max_length=200)),
                        ("devices_active", models.PositiveIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("last_activation_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "license",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="installations",
                                to="licenses.license",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "activation_installation",
                        "ordering": ["hostname", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("license", "uuid"), name="installation_unique"
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="health",
                    name="installation",
                    field=_to_installation(models.OneToOneField, "health"),
                ),
                migrations.AlterField(
                    model_name="statechange",
                    name="installation",
                    field=_to_installation(models.ForeignKey, "state_changes"),
                ),
                migrations.AlterField(
                    model_name="report",
                    name="installation",
                    field=_to_installation(models.ForeignKey, "reports", db_index=False),
                ),
                migrations.AlterField(
                    model_name="hourlystat",
                    name="installation",
                    field=_to_installation(models.ForeignKey, "hourly_stats"),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
