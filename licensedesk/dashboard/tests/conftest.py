"""A company with a bit of everything the Dashboard counts, and another company beside it
whose data must never be counted."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from licensedesk.accounts.models import Role
from licensedesk.activation.models import Activation
from licensedesk.care.status import today
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories
from licensedesk.monitoring.models import SEVERITY, Health, Installation, State


@dataclass
class Company:
    """What one company holds; `granted` is what its License User may see."""

    licenses: list = field(default_factory=list)
    granted: list = field(default_factory=list)
    installations: list = field(default_factory=list)


def add_license(
    org,
    *,
    cust=None,
    care_in_days=None,
    premium_in_days=None,
    registered_days_ago=0,
    devices=(10, 0),
):
    """A license whose Care Plus ends in `care_in_days`, Care Premium in `premium_in_days`."""
    lic = factories.registered(org, cust=cust)
    if care_in_days is not None:
        lic.care_plus_ends_on = today() + timedelta(days=care_in_days)
    if premium_in_days is not None:
        lic.care_premium_ends_on = today() + timedelta(days=premium_in_days)
    lic.registered_at = timezone.now() - timedelta(days=registered_days_ago)
    lic.device_licenses, lic.devices_used = devices
    lic.save()
    return lic


def add_installation(lic, state, hostname, minutes_ago=5):
    inst = Installation.objects.create(license=lic, uuid=uuid.uuid4(), hostname=hostname)
    if state is not None:
        Health.objects.create(
            installation=inst,
            organization_id=lic.organization_id,
            license=lic,
            state=state,
            severity=SEVERITY[state],
            state_since=timezone.now() - timedelta(minutes=minutes_ago),
            last_report_at=timezone.now() - timedelta(minutes=minutes_ago),
        )
    Activation.objects.create(
        license=lic,
        installation=inst,
        request_id=uuid.uuid4(),
        request_digest="0" * 64,
        activated=3,
        license_file="<license/>",
    )
    return inst


def fill(org, scale=1) -> Company:
    """`scale` times the same mix of licenses and installations."""
    company = Company()
    cust = org.customers.get_or_create(name=f"Harbour Hotel {org.slug}")[0]
    for n in range(scale):
        made = [
            add_license(org, cust=cust, care_in_days=10, devices=(10, 4)),  # ends within 30
            # Within 90 days; its Care Premium within 30.
            add_license(org, cust=cust, care_in_days=60, premium_in_days=20, devices=(20, 5)),
            # Ended: renew (Premium too, apart).
            add_license(org, care_in_days=-30, premium_in_days=-10, registered_days_ago=400),
            add_license(org, care_in_days=-120, registered_days_ago=400),  # ended long ago
            add_license(
                org, cust=cust, care_in_days=400, premium_in_days=400, registered_days_ago=40
            ),
        ]
        company.licenses += made
        company.granted += [made[0], made[2]]
        for lic, state in zip(
            made,
            [State.CRITICAL, State.OFFLINE, State.ATTENTION, State.PENDING, State.HEALTHY],
            strict=True,
        ):
            company.installations.append(add_installation(lic, state, f"vms-{state}-{n}"))
    return company


@pytest.fixture
def ours(world) -> Company:
    company = fill(world.org)
    for lic in company.granted:
        LicenseGrant.objects.create(license=lic, user=world.license_user)
    return company


@pytest.fixture
def theirs(world) -> Company:
    """The other company: more of everything, so a leak would show in every number."""
    company = fill(world.other_org, scale=2)
    for lic in company.granted:
        LicenseGrant.objects.create(license=lic, user=world.outsider_user)
    return company


@pytest.fixture
def invited(world):
    """A user of our company invited but not active yet, and one of the other company."""
    ours = make_user(world.org, "ivy@northwind.example", Role.LICENSE_USER)
    theirs = make_user(world.other_org, "ian@contoso.example", Role.LICENSE_USER)
    for user in (ours, theirs):
        user.set_unusable_password()
        user.save()
    return ours
