"""A License Admin grants a License User every license of a group, once."""

from licensedesk.audit.models import AuditEvent
from licensedesk.groups import services
from licensedesk.groups.models import Membership
from licensedesk.groups.tests.factories import registered
from licensedesk.licenses.models import LicenseGrant


def url(grp):
    return f"/groups/{grp.pk}/grant/"


def granted(user) -> set[str]:
    return set(LicenseGrant.objects.filter(user=user).values_list("license__code", flat=True))


def test_it_grants_every_license_of_the_group(world, scene, login):
    response = login(world.license_admin).post(
        url(scene.admin_group), {"user_id": world.license_user.pk}
    )
    assert response.status_code == 302
    assert granted(world.license_user) == {scene.shared.code, scene.hidden.code}


def test_it_is_one_time_later_members_are_not_granted(world, scene):
    services.grant_group(world.license_admin, scene.admin_group, world.license_user.pk)
    later = registered(world.org)
    Membership.objects.create(group=scene.admin_group, license=later)
    assert later.code not in granted(world.license_user)


def test_it_is_audited_with_the_user_and_counts(world, scene):
    new = services.grant_group(world.license_admin, scene.admin_group, world.license_user.pk)
    assert new == 1  # "shared" was granted already
    event = AuditEvent.objects.get(action="group.grant")
    assert (event.actor, event.target_label) == (world.license_admin, "Harbour sites")
    assert event.changes == {"user": world.license_user.email, "licenses": 2, "new_grants": 1}


def test_a_license_user_may_not_grant(world, scene, login):
    response = login(world.license_user).post(
        url(scene.admin_group), {"user_id": world.license_user.pk}
    )
    assert response.status_code == 403
    assert granted(world.license_user) == {scene.shared.code}


def test_role_none_may_not_grant(world, scene, login):
    assert (
        login(world.no_role)
        .post(url(scene.admin_group), {"user_id": world.license_user.pk})
        .status_code
        == 403
    )


def test_another_company_s_group_is_not_found(world, scene, login):
    response = login(world.license_admin).post(
        url(scene.their_group), {"user_id": world.license_user.pk}
    )
    assert response.status_code == 404
    assert granted(world.license_user) == {scene.shared.code}


def test_it_grants_only_to_license_users_of_the_company(world, scene, login):
    client = login(world.license_admin)
    for user in (world.outsider_user, world.license_admin, world.no_role):
        client.post(url(scene.admin_group), {"user_id": user.pk})
    assert not LicenseGrant.objects.exclude(user=world.license_user).exists()
    assert not AuditEvent.objects.filter(action="group.grant").exists()


def test_get_does_not_grant(world, scene, login):
    response = login(world.license_admin).get(
        url(scene.admin_group), {"user_id": world.license_user.pk}
    )
    assert response.status_code == 405
    assert granted(world.license_user) == {scene.shared.code}


def test_after_the_grant_the_user_sees_the_whole_group(world, scene, login):
    services.grant_group(world.license_admin, scene.admin_group, world.license_user.pk)
    response = login(world.license_user).get(f"/groups/{scene.admin_group.pk}/")
    assert response.context["group"].license_count == 2
