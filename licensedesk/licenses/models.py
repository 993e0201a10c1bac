from django.conf import settings
from django.db import models

from licensedesk.care import tiers

# What the Dashboard counts and sums of a company's licenses (dashboard.overview).
FIGURES = [
    "device_licenses",
    "devices_used",
    "customer",
    "registered_at",
    "care_plus_ends_on",
    "care_premium_ends_on",
]


class License(models.Model):
    """A software license code (SLC) issued by the vendor. Invisible to partners until a
    company registers it; from then on it belongs to that company."""

    code = models.CharField("SLC", max_length=40, unique=True)
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "catalog.ProductVersion", on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveIntegerField()
    device_licenses = models.PositiveIntegerField(default=0)
    devices_used = models.PositiveIntegerField(default=0)
    addons = models.ManyToManyField("catalog.Product", blank=True, related_name="+")
    expires_on = models.DateField("license expiry", null=True, blank=True)
    # Each Care tier's current end, kept here for fast lists (`care.tiers`; written only by
    # `care.services.add_period`); the history is in CarePeriod.
    care_plus_ends_on = models.DateField("Care Plus ends", null=True, blank=True)
    care_premium_ends_on = models.DateField("Care Premium ends", null=True, blank=True)
    # The first day of a tier's current Care (renewals that follow on without a gap continue
    # it): Care that starts later is not active yet. Empty when it began before this was kept.
    care_plus_starts_on = models.DateField(null=True, blank=True)
    care_premium_starts_on = models.DateField(null=True, blank=True)
    sold_to = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partner the code was sold to; anyone may register it if empty.",
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    # Registration by a partner company.
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licenses",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="licenses",
    )
    description = models.CharField(max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    # What a search looks in (`licenses.search`): kept by the services that write its parts.
    search_document = models.TextField(blank=True, default="", db_default="", editable=False)

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["organization", "code"]),
            # A tier's licenses by its end, the id breaking ties, from the index alone: the
            # list's order whichever way, however many licenses are without that tier (NULL).
            models.Index(
                fields=["organization", "care_plus_ends_on", "id"], name="license_org_plus_idx"
            ),
            models.Index(
                fields=["organization", "care_premium_ends_on", "id"],
                name="license_org_premium_idx",
            ),
            models.Index(fields=["organization", "-registered_at"]),
            # A customer's or a product's licenses, newest first, from the index alone.
            models.Index(
                fields=["organization", "customer", "registered_at", "id"],
                name="license_org_customer_idx",
            ),
            models.Index(
                fields=["organization", "product", "registered_at", "id", "customer"],
                name="license_org_product_idx",
            ),
            # The Dashboard's counts and sums of a company's licenses, from this index alone
            # (PostgreSQL; other databases ignore `include`).
            models.Index(
                fields=["organization"],
                include=FIGURES,
                name="license_org_figures_idx",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_registered(self) -> bool:
        return self.organization_id is not None

    @property
    def care_tiers(self) -> list:
        """Care Plus and Care Premium of this license (`care.tiers.TierCare`)."""
        return tiers.all_of(self)

    @property
    def care_plus(self):
        return tiers.of(self, tiers.PLUS)

    @property
    def care_premium(self):
        return tiers.of(self, tiers.PREMIUM)


class LicenseGrant(models.Model):
    """A License User may see this license."""

    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="license_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["license", "user"], name="grant_unique")]
        indexes = [models.Index(fields=["user", "license"])]

    def __str__(self):
        return f"{self.user} → {self.license}"
