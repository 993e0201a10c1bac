import uuid

from django.conf import settings
from django.db import models

from licensedesk.care.models import FollowedTiers
from licensedesk.notifications import events


def default_grace_lead_days():
    return list(events.DEFAULT_GRACE_LEAD_DAYS)


class NotificationProfile(models.Model):
    """Who hears about which events, for which licenses, through which channels."""

    class Scope(models.TextChoices):
        ALL = "all", "All licenses"
        GROUPS = "groups", "License groups"
        CUSTOMERS = "customers", "Customers"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="notification_profiles"
    )
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ALL)
    groups = models.ManyToManyField("license_groups.LicenseGroup", blank=True, related_name="+")
    customers = models.ManyToManyField("customers.Customer", blank=True, related_name="+")
    events = models.JSONField(default=list)
    lead_times = models.JSONField(default=list, blank=True)
    # Which Care tiers the Care events follow (`care.tiers`).
    care_tiers = models.CharField(
        "Care tiers", max_length=10, choices=FollowedTiers.choices, default=FollowedTiers.BOTH
    )
    # Days before a grace period ends that "Grace ending" fires (monitoring/grace.py).
    grace_lead_days = models.JSONField(default=default_grace_lead_days, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    extra_emails = models.JSONField(default=list, blank=True)
    email_enabled = models.BooleanField(default=True)
    webhook_url = models.URLField(max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=100, blank=True)
    muted = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProfileLead(models.Model):
    """One lead time (days before Care ends) of a profile, as a row for set-based scans."""

    profile = models.ForeignKey(NotificationProfile, on_delete=models.CASCADE, related_name="leads")
    days = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "days"], name="profile_lead_unique")
        ]

    def __str__(self):
        return f"{self.days} d"


class Delivery(models.Model):
    """One message to one recipient over one channel: the outbox of notifications and the
    delivery log in one. Claimed by workers with SKIP LOCKED; retried with backoff."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Webhook"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="deliveries"
    )
    profile = models.ForeignKey(
        NotificationProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    reminder = models.ForeignKey(
        "care.CareReminder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    event = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=500)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"license_ids": [...], "items": [...], "data": {...}}: what the message is about.
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    next_attempt_at = models.DateTimeField()
    locked_by = models.CharField(max_length=64, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["organization", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient} ({self.state})"


class Mute(models.Model):
    """An email address that asked not to hear from one profile or reminder again."""

    email = models.EmailField()
    profile = models.ForeignKey(
        NotificationProfile, null=True, blank=True, on_delete=models.CASCADE
    )
    reminder = models.ForeignKey(
        "care.CareReminder", null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.email
