from django.conf import settings
from django.db import models


class ActiveDevice(models.Model):
    """A device (by hardware id) holding one of the license's device licenses."""

    installation = models.ForeignKey(  # indexed by active_device_unique, which starts with it
        "monitoring.Installation", on_delete=models.CASCADE, related_name="devices", db_index=False
    )
    hardware_id = models.CharField(max_length=128)
    mac = models.CharField(max_length=200, blank=True)
    manufacturer = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    type = models.CharField(max_length=200, blank=True)
    activated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "hardware_id"], name="active_device_unique"
            )
        ]

    def __str__(self):
        return self.hardware_id


class Activation(models.Model):
    """One processed license request and the activated license file it produced."""

    license = models.ForeignKey(  # indexed by activation_request_unique, which starts with it
        "licenses.License", on_delete=models.CASCADE, related_name="activations", db_index=False
    )
    installation = models.ForeignKey(
        "monitoring.Installation", on_delete=models.CASCADE, related_name="activations"
    )
    request_id = models.UUIDField()
    request_digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=10, default="web")  # web or api
    activated = models.PositiveIntegerField(default=0)  # newly activated
    kept = models.PositiveIntegerField(default=0)
    released = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # Hardware ids by outcome: {"activated": [...], "kept": [...], "released": [...],
    # "refused": [...]}, for the result page.
    devices = models.JSONField(default=dict, blank=True)
    license_file = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["license", "request_id"], name="activation_request_unique"
            )
        ]

    def __str__(self):
        return f"{self.license_id}/{self.request_id}"

    @property
    def devices_licensed(self) -> int:
        return self.activated + self.kept


class IdempotencyKey(models.Model):
    """Replays the first answer to a retried API call with the same Idempotency-Key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    body_digest = models.CharField(max_length=64)
    activation = models.ForeignKey(Activation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self):
        return self.key
