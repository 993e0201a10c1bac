"""Small helpers to make products, versions and licenses in tests."""

from datetime import date

from django.utils import timezone

from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.customers.models import Customer
from licensedesk.licenses import issuing, search
from licensedesk.licenses.models import License, LicenseGrant


def product(code="C01", name="Corporate", kind=Product.Kind.EDITION) -> Product:
    return Product.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]


def version(prod=None, code="251", name="2025 R1") -> ProductVersion:
    prod = prod or product()
    return ProductVersion.objects.get_or_create(product=prod, code=code, defaults={"name": name})[0]


def issue(
    prod=None, ver=None, devices=10, care=(), partner=None, count=1, **extra
) -> License | list[License]:
    """Issue one license (or `count` of them) through the real issuing service."""
    prod = prod or product()
    ver = ver or version(prod)
    issued = issuing.issue(
        product=prod,
        version=ver,
        device_licenses=devices,
        care=care,
        partner=partner,
        count=count,
        **extra,
    )
    return issued[0] if count == 1 else issued


def customer(org, name="Harbour Hotel", created_by=None) -> Customer:
    return Customer.objects.create(organization=org, name=name, created_by=created_by)


def registered(
    org,
    *,
    cust=None,
    description="",
    care_ends_on: date | None = None,
    care_level="Plus",
    care_premium_ends_on: date | None = None,
    prod=None,
    grant_to=(),
    by=None,
) -> License:
    """An issued license already registered by `org` (bypassing the service, for setup).
    `care_ends_on` is the end of the `care_level` tier (Plus or Premium);
    `care_premium_ends_on` also sets Care Premium."""
    lic = issue(prod=prod)
    lic.organization = org
    lic.customer = cust
    lic.description = description
    lic.registered_at = timezone.now()
    lic.registered_by = by
    if care_ends_on is not None:
        setattr(lic, f"care_{care_level.lower()}_ends_on", care_ends_on)
    if care_premium_ends_on is not None:
        lic.care_premium_ends_on = care_premium_ends_on
    lic.save()
    search.refresh_ids([lic.pk])
    for user in grant_to:
        LicenseGrant.objects.create(license=lic, user=user)
    return lic


def snapshot(lic: License) -> dict:
    """The fields a partner can change or that registration sets, to assert nothing moved."""
    lic = License.objects.get(pk=lic.pk)
    return {
        "code": lic.code,
        "organization": lic.organization_id,
        "customer": lic.customer_id,
        "description": lic.description,
        "product": lic.product_id,
        "registered_by": lic.registered_by_id,
        "registered_at": lic.registered_at,
        "grants": sorted(lic.grants.values_list("user_id", flat=True)),
    }
