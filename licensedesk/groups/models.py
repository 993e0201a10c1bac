from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class LicenseGroup(models.Model):
    """A named set of a company's licenses: by product, customer, region, anything.
    A license may be in many groups."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="license_groups"
    )
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    licenses = models.ManyToManyField(
        "licenses.License", through="Membership", related_name="groups", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="group_name_unique")
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    # No single-column indexes: the unique (group, license) and the (license, group) index
    # below serve both lookups, and every index costs at each insert of a large group.
    group = models.ForeignKey(
        LicenseGroup, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    license = models.ForeignKey(
        "licenses.License", on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    # Who changed a group's licenses is in the audit log; a per-row "added by" would cost a
    # foreign-key check and an index at every insert of a large group (docs/benchmarks.md).
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "license"], name="membership_unique")
        ]
        indexes = [models.Index(fields=["license", "group"])]

    def __str__(self):
        return f"{self.license_id} in {self.group_id}"
