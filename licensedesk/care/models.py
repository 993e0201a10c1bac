from django.db import models


class CareLevel(models.TextChoices):
    BASIC = "Basic", "Basic"
    PLUS = "Plus", "Plus"
    PREMIUM = "Premium", "Premium"


class CarePeriod(models.Model):
    """One period of Care on a license. A renewal adds a period; history is never edited."""

    license = models.ForeignKey(
        "licenses.License", on_delete=models.CASCADE, related_name="care_periods"
    )
    level = models.CharField(max_length=20, choices=CareLevel.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["license", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="care_period_order"
            )
        ]

    def __str__(self):
        return f"{self.level} {self.starts_on} – {self.ends_on}"
