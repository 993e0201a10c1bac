from django.core.validators import RegexValidator
from django.db import models

code_validator = RegexValidator(r"^[A-Z0-9]{3}$", "Three capital letters or digits, e.g. C01.")
version_code_validator = RegexValidator(r"^[0-9]{3}$", "Three digits, e.g. 251 for 2025 R1.")


class Product(models.Model):
    """Something the vendor sells: a VMS edition, or an add-on such as LPR."""

    class Kind(models.TextChoices):
        EDITION = "edition", "VMS edition"
        ADDON = "addon", "Add-on"

    code = models.CharField(max_length=3, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDITION)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class ProductVersion(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(max_length=40, help_text="As customers know it, e.g. 2025 R1.")
    code = models.CharField(max_length=3, validators=[version_code_validator])

    class Meta:
        ordering = ["product", "-code"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="version_code_unique")
        ]

    def __str__(self):
        return f"{self.product.name} {self.name}"
