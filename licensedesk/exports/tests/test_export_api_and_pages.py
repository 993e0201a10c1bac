"""The API's exports (`GET <list>/export?format=`) and the pages' export controls."""

import pytest

from licensedesk.exports.tests.conftest import FORMATS, read

API = {
    "/api/v1/licenses/export": "slc",
    "/api/v1/customers/export": "name",
    "/api/v1/license-groups/export": "slc",
    "/api/v1/installations/export": "uuid",
    "/api/v1/audit-events/export": "id",
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", API)
def test_the_api_answers_each_format(api, world, ours, path, fmt):
    rows = read(api(world.company_admin).get(path, {"format": fmt}), fmt)
    assert rows and all(row[API[path]] for row in rows)


def test_the_api_exports_csv_unless_told(api, world, ours):
    rows = read(api(world.license_admin).get("/api/v1/licenses/export"), "csv")
    assert {row["slc"] for row in rows} == {ours.license.code, ours.hidden.code}


def test_the_api_export_takes_the_lists_filters(api, world, ours):
    client = api(world.license_admin)
    rows = read(client.get("/api/v1/licenses/export?search=hidden&format=json"), "json")
    assert [row["slc"] for row in rows] == [ours.hidden.code]
    rows = read(client.get("/api/v1/installations/export?state=unmonitored"), "csv")
    assert [row["hostname"] for row in rows] == ["hidden-Harbour Hotel"]


def test_the_api_activations_export_is_the_licenses_history(api, world, ours):
    path = f"/api/v1/licenses/{ours.license.code.lower()}/activations/export?format=json"
    [row] = read(api(world.license_user).get(path), "json")
    assert row["slc"] == ours.license.code
    assert row["activated"] == 2


def test_the_api_refuses_an_unknown_format(api, world):
    response = api(world.license_admin).get("/api/v1/licenses/export?format=pdf")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_the_api_document_describes_each_export(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [*API, "/api/v1/licenses/{slc}/activations/export"]:
        answer = paths[path]["get"]["responses"]["200"]["content"]
        assert set(answer) == {
            "text/csv",
            "application/json",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        assert answer["application/json"]["schema"]["items"]["$ref"].startswith(
            "#/components/schemas/"
        )


@pytest.mark.parametrize(
    "page, export",
    [
        ("/licenses/?search=hotel&care_status=expired&page=2", "/licenses/export"),
        ("/customers/?q=hotel&page=2", "/customers/export"),
        ("/groups/?q=hotel", "/groups/export"),
        ("/installations/?state=healthy&search=vms&page=2", "/installations/export"),
        ("/activity/?action=customer.&since=2026-01-01", "/activity/export"),
    ],
)
def test_each_list_offers_its_export_with_its_filters(login, world, page, export):
    html = login(world.company_admin).get(page).content.decode()
    query = page.split("?", 1)[1].replace("&page=2", "").replace("&", "&amp;")
    for fmt in FORMATS:
        assert f'href="{export}?{query}&amp;format={fmt}"' in html


def test_a_license_page_offers_its_activation_history(login, world, ours):
    html = login(world.license_admin).get(f"/licenses/{ours.license.code}/").content.decode()
    assert f'href="/licenses/{ours.license.code}/activations/export?format=xlsx"' in html
