"""The groups page and GET /api/v1/license-groups: name, description, visible counts, search."""

from licensedesk.groups.tests.factories import group

URL = "/groups/"
API = "/api/v1/license-groups"


def test_it_lists_the_company_groups_with_description_and_count(world, scene, login):
    response = login(world.license_admin).get(URL)
    assert response.status_code == 200
    row = response.context["page"].object_list[0]
    assert (row.name, row.license_count) == ("Harbour sites", 2)
    assert b"All harbour installations" in response.content


def test_it_counts_only_the_licenses_a_license_user_may_see(world, scene, login):
    response = login(world.license_user).get(URL)
    assert [(g.name, g.license_count) for g in response.context["page"]] == [("Harbour sites", 1)]


def test_it_never_shows_another_company_s_groups(world, scene, login):
    response = login(world.license_admin).get(URL)
    assert b"Contoso group" not in response.content
    response = login(world.outsider).get(URL)
    assert [g.name for g in response.context["page"]] == ["Contoso group"]


def test_it_searches_name_and_description(world, scene, login):
    group(world.org, "Airport", description="Terminal 2 cameras")
    client = login(world.license_admin)
    assert [g.name for g in client.get(URL, {"q": "airp"}).context["page"]] == ["Airport"]
    assert [g.name for g in client.get(URL, {"q": "TERMINAL"}).context["page"]] == ["Airport"]
    assert [g.name for g in client.get(URL, {"q": "nothing"}).context["page"]] == []


def test_search_never_finds_another_company_s_groups(world, scene, login):
    assert list(login(world.license_admin).get(URL, {"q": "Contoso"}).context["page"]) == []


def test_it_refuses_users_without_a_license_role(world, login):
    assert login(world.no_role).get(URL).status_code == 403


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_api_lists_groups_with_visible_counts(world, scene, api):
    body = api(world.license_user).get(API).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["description"], item["license_count"]) == (
        "Harbour sites",
        "All harbour installations",
        1,
    )
    assert "licenses" not in item


def test_the_api_searches_name_and_description(world, scene, api):
    group(world.org, "Airport", description="Terminal 2 cameras")
    client = api(world.license_admin)
    assert [g["name"] for g in client.get(API, {"search": "terminal"}).json()["items"]] == [
        "Airport"
    ]
    assert client.get(API, {"search": "contoso"}).json()["count"] == 0


def test_the_api_list_hides_other_companies_and_refuses_role_none(world, scene, api):
    assert [g["name"] for g in api(world.outsider).get(API).json()["items"]] == ["Contoso group"]
    assert api(world.no_role).get(API).status_code == 403


def test_the_api_needs_authentication(client):
    assert client.get(API).status_code == 401
