"""The isolation matrix in one place: every group page and endpoint, for a group of our
company, asked by the other company (404), by role none (403) and by a License User who did
not create the group (may read, may not change: 403)."""

import pytest

from licensedesk.groups.models import LicenseGroup

PAGES = [
    ("get", "/groups/{id}/"),
    ("get", "/groups/{id}/edit/"),
    ("post", "/groups/{id}/edit/"),
    ("get", "/groups/{id}/delete/"),
    ("post", "/groups/{id}/delete/"),
    ("post", "/groups/{id}/grant/"),
]
ENDPOINTS = [
    ("get", "/api/v1/license-groups/{id}"),
    ("patch", "/api/v1/license-groups/{id}"),
    ("delete", "/api/v1/license-groups/{id}"),
    ("post", "/api/v1/license-groups/{id}/licenses"),
    ("delete", "/api/v1/license-groups/{id}/licenses/{slc}"),
]
WRITES = [(m, p) for m, p in PAGES + ENDPOINTS if m != "get" or p.endswith(("edit/", "delete/"))]


def call(client, method, path, scene):
    path = path.format(id=scene.admin_group.pk, slc=scene.shared.code)
    if not path.startswith("/api/"):
        form = {"name": "Taken over", "user_id": scene.admin_group.created_by_id}
        return client.post(path, form) if method == "post" else client.get(path)
    if method == "patch":
        return client.patch_json(path, {"name": "Taken over", "licenses": []})
    if method == "post":
        return client.post_json(path, {"slc": scene.shared.code})
    return getattr(client, method)(path)


def untouched(scene):
    grp = LicenseGroup.objects.get(pk=scene.admin_group.pk)
    return grp.name == "Harbour sites" and grp.licenses.count() == 2


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_pages_answer_404_to_another_company(world, scene, login, method, path):
    assert call(login(world.outsider), method, path, scene).status_code == 404
    assert untouched(scene)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_endpoints_answer_404_to_another_company(world, scene, api, method, path):
    response = call(api(world.outsider_user), method, path, scene)
    assert response.status_code == 404
    assert "Harbour" not in response.content.decode()
    assert untouched(scene)


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_pages_answer_403_to_role_none(world, scene, login, method, path):
    assert call(login(world.no_role), method, path, scene).status_code == 403
    assert untouched(scene)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_endpoints_answer_403_to_role_none(world, scene, api, method, path):
    assert call(api(world.no_role), method, path, scene).status_code == 403
    assert untouched(scene)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_license_user_may_not_change_an_admin_s_group(world, scene, login, api, method, path):
    client = api(world.license_user) if path.startswith("/api/") else login(world.license_user)
    assert call(client, method, path, scene).status_code == 403
    assert untouched(scene)


def test_nothing_of_another_company_appears_anywhere(world, scene, login, api):
    """Lists, search, counts and the API: the other company's group and license never show."""
    seen = [
        login(world.license_admin).get("/groups/").content,
        login(world.license_admin).get("/groups/", {"q": "Contoso"}).content,
        login(world.license_admin).get(f"/groups/{scene.admin_group.pk}/").content,
        login(world.license_admin).get("/licenses/").content,
        api(world.license_admin).get("/api/v1/license-groups").content,
        api(world.license_admin).get("/api/v1/license-groups", {"search": "Contoso"}).content,
        api(world.license_admin).get(f"/api/v1/license-groups/{scene.admin_group.pk}").content,
    ]
    for content in seen:
        assert b"Contoso group" not in content
        assert scene.theirs.code.encode() not in content


def test_nothing_ungranted_appears_to_a_license_user(world, scene, login, api):
    seen = [
        login(world.license_user).get("/groups/").content,
        login(world.license_user).get(f"/groups/{scene.admin_group.pk}/").content,
        login(world.license_user).get("/licenses/", {"group": scene.admin_group.pk}).content,
        api(world.license_user).get(f"/api/v1/license-groups/{scene.admin_group.pk}").content,
        api(world.license_user).get("/api/v1/licenses", {"group": scene.admin_group.pk}).content,
    ]
    for content in seen:
        assert scene.hidden.code.encode() not in content
        assert b"Secret vault" not in content
