import uuid

from django.conf import settings
from django.db import models


class LicenseImport(models.Model):
    """A spreadsheet uploaded on the web, kept between its preview and its confirmation (any
    web process or the worker may pick it up), with its state, progress and report. Expires
    an hour after the upload; the worker deletes it then."""

    class State(models.TextChoices):
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked"
        APPLYING = "applying", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    partial = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # The preview (what each row would do, every error) and its fingerprint: a confirmation
    # applies only if checking the file again gives the same.
    report = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict, blank=True)
    problem = models.CharField(max_length=500, blank=True)
    # Where the upload came from, for the audit events written by the worker.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "created_by", "-created_at"])]

    def __str__(self):
        return f"{self.filename} ({self.state})"
