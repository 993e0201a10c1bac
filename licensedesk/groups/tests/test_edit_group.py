"""Editing a group: rename, describe, add and remove licenses, in the UI and with PATCH."""

from licensedesk.audit.models import AuditEvent
from licensedesk.groups.tests.factories import group, members, registered


def edit_url(grp):
    return f"/groups/{grp.pk}/edit/"


def api_url(grp):
    return f"/api/v1/license-groups/{grp.pk}"


def test_it_renames_describes_adds_and_removes(world, scene, login):
    extra = registered(world.org)
    response = login(world.license_admin).post(
        edit_url(scene.admin_group),
        {"name": "Docks", "description": "New", "add": extra.code, "remove": scene.hidden.code},
    )
    assert response.status_code == 302
    scene.admin_group.refresh_from_db()
    assert (scene.admin_group.name, scene.admin_group.description) == ("Docks", "New")
    assert members(scene.admin_group) == {scene.shared.code, extra.code}


def test_the_saved_message_names_the_new_name(world, scene, login):
    response = login(world.license_admin).post(
        edit_url(scene.admin_group), {"name": "Docks"}, follow=True
    )
    assert "The group “Docks” was saved." in response.content.decode()


def test_it_may_change_only_the_case_of_its_own_name(world, scene, login):
    login(world.license_admin).post(edit_url(scene.admin_group), {"name": "HARBOUR SITES"})
    scene.admin_group.refresh_from_db()
    assert scene.admin_group.name == "HARBOUR SITES"


def test_it_refuses_the_name_of_another_group(world, scene, login):
    group(world.org, "Airport")
    response = login(world.license_admin).post(edit_url(scene.admin_group), {"name": "airport"})
    assert "already has a group with this name" in str(response.context["form"].errors)
    scene.admin_group.refresh_from_db()
    assert scene.admin_group.name == "Harbour sites"


def test_a_bad_license_changes_nothing(world, scene, login):
    login(world.license_admin).post(
        edit_url(scene.admin_group),
        {"name": "Renamed", "add": scene.theirs.code, "remove": scene.hidden.code},
    )
    scene.admin_group.refresh_from_db()
    assert scene.admin_group.name == "Harbour sites"
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code}


def test_a_license_user_edits_their_own_group(world, scene, login):
    mine = group(world.org, "Mine", by=world.license_user)
    login(world.license_user).post(edit_url(mine), {"name": "Mine", "add": scene.shared.code})
    assert members(mine) == {scene.shared.code}


def test_a_license_user_may_not_edit_an_admin_s_group(world, scene, login):
    client = login(world.license_user)
    assert client.get(edit_url(scene.admin_group)).status_code == 403
    assert client.post(edit_url(scene.admin_group), {"name": "Mine now"}).status_code == 403
    scene.admin_group.refresh_from_db()
    assert scene.admin_group.name == "Harbour sites"
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_a_license_user_cannot_remove_what_they_cannot_see(world, scene, login):
    mine = group(world.org, "Mine", by=world.license_user, licenses=[scene.shared, scene.hidden])
    login(world.license_user).post(edit_url(mine), {"name": "Mine", "remove": scene.hidden.code})
    assert members(mine) == {scene.shared.code, scene.hidden.code}


def test_another_company_s_group_is_not_found(world, scene, login):
    client = login(world.license_admin)
    assert client.get(edit_url(scene.their_group)).status_code == 404
    assert client.post(edit_url(scene.their_group), {"name": "Ours"}).status_code == 404
    scene.their_group.refresh_from_db()
    assert scene.their_group.name == "Contoso group"


def test_role_none_may_not_edit(world, scene, login):
    assert login(world.no_role).get(edit_url(scene.admin_group)).status_code == 403


def test_edits_are_audited_with_before_and_after(world, scene, login):
    login(world.license_admin).post(
        edit_url(scene.admin_group),
        {"name": "Docks", "description": "All harbour installations", "remove": scene.hidden.code},
    )
    event = AuditEvent.objects.get(action="group.update")
    assert event.changes == {"name": ["Harbour sites", "Docks"], "licenses_removed": 1}


def test_patch_renames_and_describes(world, scene, api):
    response = api(world.license_admin).patch_json(
        api_url(scene.admin_group), {"name": "Docks", "description": "New"}
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"]) == ("Docks", "New")
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code}


def test_patch_with_licenses_replaces_the_list(world, scene, api):
    extra = registered(world.org)
    response = api(world.license_admin).patch_json(
        api_url(scene.admin_group), {"licenses": [scene.shared.code, extra.code]}
    )
    assert sorted(response.json()["licenses"]) == sorted([scene.shared.code, extra.code])
    assert members(scene.admin_group) == {scene.shared.code, extra.code}


def test_a_license_user_s_full_list_never_removes_what_they_cannot_see(world, scene, api):
    mine = group(world.org, "Mine", by=world.license_user, licenses=[scene.shared, scene.hidden])
    client = api(world.license_user)
    response = client.patch_json(api_url(mine), {"licenses": []})
    assert response.status_code == 200
    assert response.json()["licenses"] == []
    assert members(mine) == {scene.hidden.code}
    response = client.patch_json(api_url(mine), {"licenses": [scene.shared.code]})
    assert response.json()["licenses"] == [scene.shared.code]
    assert members(mine) == {scene.shared.code, scene.hidden.code}


def test_patch_refuses_a_duplicate_name_empty_name_and_foreign_licenses(world, scene, api):
    group(world.org, "Airport")
    client = api(world.license_admin)
    url = api_url(scene.admin_group)
    assert client.patch_json(url, {"name": "AIRPORT"}).status_code == 409
    assert client.patch_json(url, {"name": " "}).status_code == 400
    response = client.patch_json(url, {"name": "Docks", "licenses": [scene.theirs.code]})
    assert response.status_code == 400
    assert scene.theirs.code not in response.content.decode()
    scene.admin_group.refresh_from_db()
    assert scene.admin_group.name == "Harbour sites"
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code}


def test_patch_by_a_license_user_of_an_admin_s_group_is_403(world, scene, api):
    response = api(world.license_user).patch_json(api_url(scene.admin_group), {"licenses": []})
    assert response.status_code == 403
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code}


def test_patch_of_another_company_s_group_is_404(world, scene, api):
    response = api(world.license_admin).patch_json(api_url(scene.their_group), {"name": "X"})
    assert response.status_code == 404
    assert (
        api(world.no_role).patch_json(api_url(scene.admin_group), {"name": "X"}).status_code == 403
    )


def test_patch_refuses_unknown_fields(world, scene, api):
    response = api(world.license_admin).patch_json(
        api_url(scene.admin_group), {"organization": world.other_org.pk}
    )
    assert response.status_code == 422
    scene.admin_group.refresh_from_db()
    assert scene.admin_group.organization == world.org
