"""The Dashboard reads activations and monitored states through `access` in shapes of their
own (sets of licenses, the Health row's own license and company): each role sees exactly
the activations and states of the licenses it may see, and nothing else."""

import pytest

from licensedesk import access
from licensedesk.activation.models import Activation
from licensedesk.licenses.models import LicenseGrant
from licensedesk.monitoring.models import Health

ROLES = [
    "company_admin",
    "license_admin",
    "license_user",
    "no_role",
    "outsider",
    "outsider_user",
    "staff",
]


def activations_of_visible_licenses(user) -> set:
    visible = access.licenses_visible_to(user)
    return set(Activation.objects.filter(license__in=visible).values_list("pk", flat=True))


def states_of_visible_installations(user) -> set:
    visible = access.installations_visible_to(user)
    return set(Health.objects.filter(installation__in=visible).values_list("pk", flat=True))


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sees_the_activations_and_states_of_the_licenses_it_sees(
    world, ours, theirs, who
):
    user = getattr(world, who)
    activations = set(access.activations_visible_to(user).values_list("pk", flat=True))
    states = set(access.health_visible_to(user).values_list("pk", flat=True))
    assert activations == activations_of_visible_licenses(user)
    assert states == states_of_visible_installations(user)


def test_the_lists_are_not_empty_where_there_is_something_to_see(world, ours, theirs):
    # Guards the test above against comparing two empty sets.
    granted = {lic.pk for lic in ours.granted}
    seen = access.activations_visible_to(world.license_user).values_list("license_id", flat=True)
    assert set(seen) == granted
    seen = access.health_visible_to(world.license_user).values_list("license_id", flat=True)
    assert set(seen) == granted
    assert access.activations_visible_to(world.license_admin).count() == len(ours.licenses)


def test_a_grant_of_another_company_s_license_shows_nothing_of_it(world, ours, theirs):
    foreign = theirs.licenses[0]
    LicenseGrant.objects.create(license=foreign, user=world.license_user)
    assert not access.activations_visible_to(world.license_user).filter(license=foreign).exists()
    assert not access.health_visible_to(world.license_user).filter(license=foreign).exists()


def test_a_deactivated_license_user_sees_no_activations_or_states(world, ours):
    world.license_user.is_active = False
    world.license_user.save()
    assert not access.activations_visible_to(world.license_user).exists()
    assert not access.health_visible_to(world.license_user).exists()
