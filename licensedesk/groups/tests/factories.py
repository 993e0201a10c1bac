"""Helpers to make license groups in tests (licenses come from the licenses factories)."""

from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.licenses.tests.factories import customer, registered

__all__ = ["customer", "group", "registered"]


def group(org, name="Harbour sites", *, by=None, description="", licenses=()) -> LicenseGroup:
    """A group of `org` holding `licenses`, made directly (bypassing the service)."""
    made = LicenseGroup.objects.create(
        organization=org, name=name, description=description, created_by=by
    )
    Membership.objects.bulk_create([Membership(group=made, license=lic) for lic in licenses])
    return made


def members(grp) -> set[str]:
    """The SLCs in the group, whoever may see them."""
    return set(grp.licenses.values_list("code", flat=True))
