from django.conf import settings
from django.db import models


class Installation(models.Model):
    """A customer's VMS installation on a license, known from its license requests (or added
    by hand). Its table kept the name it had when the model lived in the activation app."""

    license = models.ForeignKey(  # indexed by installation_unique, which starts with it
        "licenses.License", on_delete=models.CASCADE, related_name="installations", db_index=False
    )
    uuid = models.UUIDField("installation id")
    hostname = models.CharField(max_length=200, blank=True)
    product_version = models.CharField(max_length=200, blank=True)
    devices_active = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activation_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "activation_installation"
        ordering = ["hostname", "id"]
        constraints = [
            models.UniqueConstraint(fields=["license", "uuid"], name="installation_unique")
        ]
        # A License User's installations, found from her grants through this index alone
        # (the unique one above would read each installation's row for its id).
        indexes = [models.Index(fields=["license", "id"], name="installation_license_id_idx")]

    def __str__(self):
        return self.hostname or str(self.uuid)


class State(models.TextChoices):
    PENDING = "pending", "Pending"
    HEALTHY = "healthy", "Healthy"
    ATTENTION = "attention", "Attention"
    CRITICAL = "critical", "Critical"
    OFFLINE = "offline", "Offline"
    UNKNOWN = "unknown", "Unknown"


# "Worst first": the order of the Installations page.
SEVERITY = {
    State.CRITICAL: 0,
    State.OFFLINE: 1,
    State.ATTENTION: 2,
    State.UNKNOWN: 3,
    State.PENDING: 4,
    State.HEALTHY: 5,
}


class Thresholds(models.Model):
    """A company's limits for deriving an installation's state from its reports."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="monitoring_thresholds"
    )
    report_interval = models.PositiveIntegerField(default=60, help_text="Seconds between reports.")
    offline_after = models.PositiveIntegerField(
        default=3, help_text="Offline after this many report intervals without a report."
    )
    hold_seconds = models.PositiveIntegerField(
        default=120, help_text="A state change must hold this long before it alerts."
    )
    storage_attention_pct = models.PositiveIntegerField(default=85)
    storage_critical_pct = models.PositiveIntegerField(default=95)
    devices_offline_attention_pct = models.PositiveIntegerField(default=5)
    devices_offline_critical_pct = models.PositiveIntegerField(default=25)
    cpu_attention_pct = models.PositiveIntegerField(default=90)
    memory_attention_pct = models.PositiveIntegerField(default=90)
    disk_critical_pct = models.PositiveIntegerField(default=97)

    def __str__(self):
        return f"thresholds of {self.organization_id}"


class Health(models.Model):
    """The monitored state of one installation (one row, updated by every report)."""

    installation = models.OneToOneField(
        Installation, on_delete=models.CASCADE, related_name="health"
    )
    # Every status report rewrites this row: it carries as few indexes as the pages need, so
    # that PostgreSQL can update it in place (HOT) when the state holds.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token_digest = models.CharField(max_length=64, null=True, blank=True)
    token_prefix = models.CharField(max_length=16, blank=True)
    enabled = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    severity = models.PositiveSmallIntegerField(default=SEVERITY[State.PENDING])
    state_since = models.DateTimeField()
    alerted_state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    reasons = models.JSONField(default=list, blank=True)
    last_report_at = models.DateTimeField(null=True, blank=True)
    product_version = models.CharField(max_length=50, blank=True)
    hostname = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Device licenses by state from the latest report (None: it did not count them). Written
    # with the row only when they change; see licenses.py for what they mean.
    devices_activated = models.PositiveIntegerField(null=True, blank=True)
    devices_in_grace = models.PositiveIntegerField(null=True, blank=True)
    devices_grace_expired = models.PositiveIntegerField(null=True, blank=True)
    devices_not_licensed = models.PositiveIntegerField(null=True, blank=True)
    grace_ends_at = models.DateTimeField(null=True, blank=True)
    changes_used = models.PositiveIntegerField(null=True, blank=True)
    changes_allowed = models.PositiveIntegerField(null=True, blank=True)
    # What the grace alerts last told (grace.py): the count of devices whose grace expired,
    # and whether the changes without activation were used up.
    grace_expired_alerted = models.PositiveIntegerField(default=0)
    changes_used_up_alerted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "severity"]),
            # The grace scan and the Dashboard read the few rows in grace; the index holds
            # only those, and a report that leaves grace_ends_at as it was keeps its HOT update.
            models.Index(
                fields=["grace_ends_at"],
                name="health_grace_ends_at_idx",
                condition=models.Q(grace_ends_at__isnull=False),
            ),
        ]
        constraints = [
            # A constraint, not unique=True: that would add a second (LIKE) index on PostgreSQL.
            models.UniqueConstraint(fields=["token_digest"], name="health_token_digest_unique")
        ]

    def __str__(self):
        return f"{self.installation_id}: {self.state}"

    def last_report(self) -> dict | None:
        """The latest report as it was received (None before the first)."""
        return LatestReport.objects.filter(health=self).values_list("report", flat=True).first()

    def change_state(self, state: str, reasons: list, now) -> "StateChange | None":
        """Take `state` for `reasons`; returns the StateChange to record (not saved yet) when
        the state is a new one, else None."""
        self.reasons = reasons
        if self.state == state:
            return None
        change = StateChange(
            installation_id=self.installation_id,
            from_state=self.state,
            to_state=state,
            at=now,
            reasons=reasons[:20],
        )
        self.state = state
        self.severity = SEVERITY[state]
        self.state_since = now
        return change


class LatestReport(models.Model):
    """The latest report of a monitored installation, whole, for its detail page: apart from
    its Health row, which the Installations page reads for every installation at a time and
    which stays narrow without the report beside it."""

    health = models.OneToOneField(
        Health, on_delete=models.CASCADE, primary_key=True, related_name="latest_report"
    )
    report = models.JSONField(default=dict)

    def __str__(self):
        return f"latest report of {self.health_id}"


class StateChange(models.Model):
    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="state_changes"
    )
    from_state = models.CharField(max_length=10, choices=State.choices)
    to_state = models.CharField(max_length=10, choices=State.choices)
    at = models.DateTimeField(db_index=True)
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["installation", "-at"])]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class Report(models.Model):
    """A raw status report, kept for a short window, then folded into hourly figures."""

    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="reports", db_index=False
    )  # the (installation, received_at) index serves it
    received_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices)
    cpu = models.FloatField(null=True)
    memory = models.FloatField(null=True)
    devices_total = models.PositiveIntegerField(default=0)
    devices_offline = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["installation", "received_at"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self):
        return f"{self.installation_id} @ {self.received_at}"


class HourlyStat(models.Model):
    """One hour of one installation, downsampled from its reports; kept a year."""

    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="hourly_stats"
    )
    hour = models.DateTimeField()
    reports = models.PositiveIntegerField(default=0)
    healthy = models.PositiveIntegerField(default=0)
    attention = models.PositiveIntegerField(default=0)
    critical = models.PositiveIntegerField(default=0)
    cpu_avg = models.FloatField(null=True)
    memory_avg = models.FloatField(null=True)
    devices_offline_max = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "hour"], name="hourly_stat_unique")
        ]

    def __str__(self):
        return f"{self.installation_id} {self.hour}"


class GraceFiring(models.Model):
    """A grace-ending lead time that fired for one profile and one installation's grace
    period: each fires once per period (known by its end; a later end starts a new one)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(
        "notifications.NotificationProfile", on_delete=models.CASCADE, related_name="+"
    )
    grace_ends_at = models.DateTimeField()
    lead_days = models.PositiveIntegerField()
    fired_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "grace_ends_at", "profile", "lead_days"],
                name="grace_firing_unique",
            )
        ]

    def __str__(self):
        return f"{self.lead_days} d before {self.grace_ends_at} of {self.installation_id}"


class Maintenance(models.Model):
    """An installation's maintenance window: its monitoring alerts pause from `starts_at` to
    `ends_at` and resume by themselves after (Care reminders never pause). One per
    installation; a new window replaces it."""

    installation = models.OneToOneField(
        Installation, on_delete=models.CASCADE, related_name="maintenance"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"maintenance of {self.installation_id}: {self.starts_at} – {self.ends_at}"

    def is_on(self, now) -> bool:
        return self.starts_at <= now < self.ends_at

    def is_over(self, now) -> bool:
        return self.ends_at <= now
