"""A group's page and GET /api/v1/license-groups/{id}: only the licenses the viewer may see."""

from licensedesk.groups.tests.factories import group


def url(grp):
    return f"/groups/{grp.pk}/"


def api_url(grp):
    return f"/api/v1/license-groups/{grp.pk}"


def test_it_shows_the_group_and_its_licenses(world, scene, login):
    response = login(world.license_admin).get(url(scene.admin_group))
    assert response.status_code == 200
    assert {lic.code for lic in response.context["page"]} == {
        scene.shared.code,
        scene.hidden.code,
    }
    assert response.context["group"].license_count == 2
    assert response.context["can_edit"] and response.context["can_grant"]


def test_a_license_user_sees_only_granted_licenses(world, scene, login):
    response = login(world.license_user).get(url(scene.admin_group))
    body = response.content.decode()
    assert scene.shared.code in body
    assert scene.hidden.code not in body
    assert "Secret vault" not in body
    assert response.context["group"].license_count == 1
    assert not response.context["can_edit"] and not response.context["can_grant"]


def test_another_company_s_group_is_not_found(world, scene, login):
    assert login(world.license_admin).get(url(scene.their_group)).status_code == 404
    assert login(world.outsider).get(url(scene.admin_group)).status_code == 404


def test_a_missing_group_is_not_found(world, login):
    assert login(world.license_admin).get("/groups/999999/").status_code == 404


def test_role_none_is_refused(world, scene, login):
    assert login(world.no_role).get(url(scene.admin_group)).status_code == 403


def test_the_api_lists_only_visible_licenses_of_the_group(world, scene, api):
    body = api(world.license_user).get(api_url(scene.admin_group)).json()
    assert (body["licenses"], body["license_count"]) == ([scene.shared.code], 1)
    body = api(world.license_admin).get(api_url(scene.admin_group)).json()
    assert sorted(body["licenses"]) == sorted([scene.shared.code, scene.hidden.code])


def test_the_api_answers_404_for_another_company_s_group(world, scene, api):
    response = api(world.license_admin).get(api_url(scene.their_group))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "Contoso" not in response.content.decode()


def test_the_api_refuses_role_none(world, scene, api):
    assert api(world.no_role).get(api_url(scene.admin_group)).status_code == 403


def test_a_license_user_sees_a_group_with_none_of_their_licenses_as_empty(world, scene, api):
    vault = group(world.org, "Vault", licenses=[scene.hidden])
    body = api(world.license_user).get(api_url(vault)).json()
    assert (body["licenses"], body["license_count"]) == ([], 0)
