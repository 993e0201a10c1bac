"""The group services refuse a role without the right themselves (whoever calls them), with
the access refusal the pages and the API answer 403 for, and change nothing."""

import pytest

from licensedesk import access
from licensedesk.groups import services
from licensedesk.groups.tests.factories import members
from licensedesk.licenses.models import LicenseGrant


def test_role_none_may_not_create_a_group(world, scene):
    with pytest.raises(access.Forbidden):
        services.create_group(world.no_role, name="Mine", slcs=[scene.shared.code])
    assert not world.org.license_groups.filter(name="Mine").exists()


def test_a_license_user_may_not_change_an_admin_s_group(world, scene):
    with pytest.raises(access.Forbidden) as refused:
        services.update_group(world.license_user, scene.admin_group, name="Mine now")
    assert refused.value.right == "edit_group"
    with pytest.raises(access.Forbidden):
        services.remove_license(world.license_user, scene.admin_group, scene.shared.pk)
    scene.admin_group.refresh_from_db()
    assert scene.admin_group.name == "Harbour sites"
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code}


def test_a_license_user_may_not_grant_a_group(world, scene):
    with pytest.raises(access.Forbidden) as refused:
        services.grant_group(world.license_user, scene.admin_group, world.license_user.pk)
    assert refused.value.right == "license_visibility"
    assert not LicenseGrant.objects.filter(license=scene.hidden).exists()
