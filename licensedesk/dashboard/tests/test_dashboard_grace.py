"""The Dashboard counts the installations with devices whose grace period ends within 7 days
(cameras stop recording then), over what the user may see, and links to the same list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.dashboard.overview import dashboard_for
from licensedesk.dashboard.tests.conftest import add_installation, add_license
from licensedesk.licenses.models import LicenseGrant
from licensedesk.monitoring.models import Health, State


def in_grace(inst, days, devices=3):
    Health.objects.filter(installation=inst).update(
        devices_activated=10,
        devices_in_grace=devices,
        devices_grace_expired=0,
        devices_not_licensed=0,
        grace_ends_at=timezone.now() + timedelta(days=days),
    )


@pytest.fixture
def graced(world):
    granted = add_license(world.org)
    LicenseGrant.objects.create(license=granted, user=world.license_user)
    ungranted = add_license(world.org)
    theirs = add_license(world.other_org)
    in_grace(add_installation(granted, State.HEALTHY, "vms-granted"), days=3)
    in_grace(add_installation(ungranted, State.HEALTHY, "vms-ungranted"), days=6)
    in_grace(add_installation(ungranted, State.HEALTHY, "vms-far"), days=20)
    in_grace(add_installation(theirs, State.HEALTHY, "vms-theirs"), days=1)
    return granted


@pytest.mark.parametrize("role, count", [("license_admin", 2), ("license_user", 1)])
def test_the_count_and_its_list_agree_for_each_role(world, login, graced, role, count):
    user = getattr(world, role)
    figure = dashboard_for(user).installations["grace_ending"]
    assert figure.count == count
    response = login(user).get(figure.url)
    assert response.context["page"].paginator.count == count
    home = login(user).get("/").content.decode()
    assert 'id="dash-grace-ending"' in home
    assert "with devices whose grace ends within 7 days" in home


def test_another_company_counts_only_its_own(world, graced):
    assert dashboard_for(world.outsider).installations["grace_ending"].count == 1


def test_no_devices_in_grace_counts_zero(world, graced):
    Health.objects.update(devices_in_grace=0, grace_ends_at=None)
    assert dashboard_for(world.license_admin).installations["grace_ending"].count == 0
