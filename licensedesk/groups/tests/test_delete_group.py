"""Deleting a group leaves its licenses untouched."""

from licensedesk.audit.models import AuditEvent
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.groups.tests.factories import group
from licensedesk.licenses.models import License


def url(grp):
    return f"/groups/{grp.pk}/delete/"


def api_url(grp):
    return f"/api/v1/license-groups/{grp.pk}"


def test_it_asks_before_deleting(world, scene, login):
    response = login(world.license_admin).get(url(scene.admin_group))
    assert response.status_code == 200
    assert LicenseGroup.objects.filter(pk=scene.admin_group.pk).exists()


def test_it_deletes_the_group_but_not_its_licenses(world, scene, login):
    response = login(world.license_admin).post(url(scene.admin_group))
    assert response.status_code == 302
    assert not LicenseGroup.objects.filter(pk=scene.admin_group.pk).exists()
    assert not Membership.objects.filter(license=scene.hidden).exists()
    assert License.objects.filter(pk__in=[scene.shared.pk, scene.hidden.pk]).count() == 2
    assert AuditEvent.objects.filter(action="group.delete", target_label="Harbour sites").exists()


def test_a_license_user_deletes_their_own_group(world, scene, login):
    mine = group(world.org, "Mine", by=world.license_user, licenses=[scene.shared, scene.hidden])
    login(world.license_user).post(url(mine))
    assert not LicenseGroup.objects.filter(pk=mine.pk).exists()
    assert License.objects.filter(pk=scene.hidden.pk).exists()


def test_a_license_user_may_not_delete_an_admin_s_group(world, scene, login):
    assert login(world.license_user).post(url(scene.admin_group)).status_code == 403
    assert LicenseGroup.objects.filter(pk=scene.admin_group.pk).exists()


def test_another_company_s_group_is_not_found(world, scene, login):
    assert login(world.license_admin).post(url(scene.their_group)).status_code == 404
    assert LicenseGroup.objects.filter(pk=scene.their_group.pk).exists()


def test_role_none_may_not_delete(world, scene, login):
    assert login(world.no_role).post(url(scene.admin_group)).status_code == 403


def test_the_api_deletes_with_204(world, scene, api):
    assert api(world.license_admin).delete(api_url(scene.admin_group)).status_code == 204
    assert not LicenseGroup.objects.filter(pk=scene.admin_group.pk).exists()
    assert License.objects.filter(pk=scene.hidden.pk).exists()


def test_the_api_isolates_and_checks_roles(world, scene, api):
    assert api(world.license_admin).delete(api_url(scene.their_group)).status_code == 404
    assert api(world.license_user).delete(api_url(scene.admin_group)).status_code == 403
    assert api(world.no_role).delete(api_url(scene.admin_group)).status_code == 403
    assert LicenseGroup.objects.count() == 2
