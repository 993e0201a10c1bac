from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Customer(models.Model):
    """An end customer of a partner company (the site running the VMS)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="customers"
    )
    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="customer_name_unique_in_company"
            )
        ]
        indexes = [models.Index(fields=["organization", "name"])]

    def __str__(self):
        return self.name
