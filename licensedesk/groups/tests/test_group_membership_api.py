"""POST /api/v1/license-groups/{id}/licenses and DELETE …/licenses/{slc}."""

from licensedesk.audit.models import AuditEvent
from licensedesk.groups.tests.factories import group, members, registered


def url(grp):
    return f"/api/v1/license-groups/{grp.pk}/licenses"


def test_it_adds_a_license_by_slc(world, scene, api):
    extra = registered(world.org)
    response = api(world.license_admin).post_json(url(scene.admin_group), {"slc": extra.code})
    assert response.status_code == 200
    assert extra.code in response.json()["licenses"]
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code, extra.code}
    event = AuditEvent.objects.get(action="group.update")
    assert event.changes == {"licenses_added": 1}


def test_adding_a_member_again_changes_nothing(world, scene, api):
    response = api(world.license_admin).post_json(
        url(scene.admin_group), {"slc": scene.shared.code}
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="group.update").exists()


def test_it_refuses_a_license_of_another_company_or_an_unseen_one(world, scene, api):
    mine = group(world.org, "Mine", by=world.license_user)
    for user, grp, code in (
        (world.license_admin, scene.admin_group, scene.theirs.code),
        (world.license_user, mine, scene.hidden.code),
        (world.license_admin, scene.admin_group, "NOT-A-CODE"),
    ):
        response = api(user).post_json(url(grp), {"slc": code})
        assert response.status_code == 400
        assert response.json()["code"] == "unknown_licenses"
    assert members(mine) == set()
    assert scene.theirs.code not in members(scene.admin_group)


def test_it_removes_a_license(world, scene, api):
    response = api(world.license_admin).delete(f"{url(scene.admin_group)}/{scene.hidden.code}")
    assert response.status_code == 204
    assert members(scene.admin_group) == {scene.shared.code}


def test_removing_an_unseen_or_foreign_license_is_404(world, scene, api):
    mine = group(world.org, "Mine", by=world.license_user, licenses=[scene.hidden])
    response = api(world.license_user).delete(f"{url(mine)}/{scene.hidden.code}")
    assert response.status_code == 404
    response = api(world.outsider).delete(f"{url(scene.their_group)}/{scene.hidden.code}")
    assert response.status_code == 404
    assert members(mine) == {scene.hidden.code}
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code}


def test_roles_and_companies_are_checked(world, scene, api):
    body = {"slc": scene.shared.code}
    assert api(world.license_user).post_json(url(scene.admin_group), body).status_code == 403
    assert api(world.no_role).post_json(url(scene.admin_group), body).status_code == 403
    assert api(world.outsider).post_json(url(scene.admin_group), body).status_code == 404
    delete = f"{url(scene.admin_group)}/{scene.shared.code}"
    assert api(world.license_user).delete(delete).status_code == 403
    assert api(world.outsider).delete(delete).status_code == 404
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code}
