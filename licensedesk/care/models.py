from django.db import models


class CareLevel(models.TextChoices):
    BASIC = "Basic", "Basic"
    PLUS = "Plus", "Plus"
    PREMIUM = "Premium", "Premium"


class CareTier(models.TextChoices):
    """The Care subscriptions that end (`care.tiers`): Basic is no tier."""

    PLUS = "plus", "Care Plus"
    PREMIUM = "premium", "Care Premium"


class FollowedTiers(models.TextChoices):
    """The tiers a Care reminder or a notification profile follows."""

    BOTH = "both", "Care Plus and Care Premium"
    PLUS = "plus", "Care Plus"
    PREMIUM = "premium", "Care Premium"


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


class CareReminder(models.Model):
    """A user's reminder before Care ends: on one license, a group, or all their licenses."""

    class Scope(models.TextChoices):
        ALL = "all", "All my licenses"
        GROUP = "group", "A license group"
        LICENSE = "license", "One license"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="care_reminders"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ALL)
    group = models.ForeignKey(
        "license_groups.LicenseGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    license = models.ForeignKey(
        "licenses.License", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lead_times = models.JSONField(default=list)
    care_tiers = models.CharField(
        "Care tiers", max_length=10, choices=FollowedTiers.choices, default=FollowedTiers.BOTH
    )
    notify_me = models.BooleanField(default=True)
    extra_emails = models.JSONField(default=list, blank=True)
    muted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Care reminder #{self.pk}"


class ReminderLead(models.Model):
    reminder = models.ForeignKey(CareReminder, on_delete=models.CASCADE, related_name="leads")
    days = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reminder", "days"], name="reminder_lead_unique")
        ]

    def __str__(self):
        return f"{self.days} d"


class CareFiring(models.Model):
    """A lead time that fired for one license's Care tier period: each fires once per tier and
    period (the period is known by its end date; a renewal of that tier moves it and starts
    over, and leaves the other tier's firings alone)."""

    reminder = models.ForeignKey(CareReminder, null=True, blank=True, on_delete=models.CASCADE)
    profile = models.ForeignKey(
        "notifications.NotificationProfile", null=True, blank=True, on_delete=models.CASCADE
    )
    license = models.ForeignKey("licenses.License", on_delete=models.CASCADE, related_name="+")
    tier = models.CharField(max_length=10, choices=CareTier.choices)
    care_ends_on = models.DateField()
    lead_days = models.IntegerField()  # -1: the day after Care ended ("Care ended")
    fired_on = models.DateField()
    queued = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "license", "tier", "care_ends_on", "lead_days"],
                condition=models.Q(reminder__isnull=False),
                name="reminder_firing_once",
            ),
            models.UniqueConstraint(
                fields=["profile", "license", "tier", "care_ends_on", "lead_days"],
                condition=models.Q(profile__isnull=False),
                name="profile_firing_once",
            ),
        ]
        indexes = [models.Index(fields=["queued", "fired_on"])]

    def __str__(self):
        return f"{self.license_id} {self.lead_days} d"


class CalendarFeed(models.Model):
    """A user's secret iCalendar URL of Care end dates. Only a hash of the secret is kept."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"calendar of {self.user_id}"
