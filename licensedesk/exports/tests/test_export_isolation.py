"""Who exports what: a License User only what is granted to them, a company nothing of
another, the audit log only its company's administrators; on the pages and in the API."""

import pytest

from licensedesk.exports.tests.conftest import FORMATS, read

LICENSE_LISTS = ["/licenses/export", "/customers/export", "/groups/export", "/installations/export"]
API_LISTS = [
    "/api/v1/licenses/export",
    "/api/v1/customers/export",
    "/api/v1/license-groups/export",
    "/api/v1/installations/export",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_license_user_exports_only_what_is_granted(login, world, ours, theirs, fmt):
    client = login(world.license_user)
    slcs = [r["slc"] for r in read(client.get("/licenses/export", {"format": fmt}), fmt)]
    assert slcs == [ours.license.code]
    customers = read(client.get("/customers/export", {"format": fmt}), fmt)
    assert [r["name"] for r in customers] == ["Harbour Hotel"]
    groups = read(client.get("/groups/export", {"format": fmt}), fmt)
    assert [(r["group"], r["slc"]) for r in groups] == [("Harbour Hotel", ours.license.code)]
    installations = read(client.get("/installations/export", {"format": fmt}), fmt)
    assert [r["uuid"] for r in installations] == [str(ours.installation.uuid)]
    activations = read(client.get(f"/licenses/{ours.license.code}/activations/export"), "csv")
    assert [int(r["id"]) for r in activations] == [ours.activation.pk]


def test_a_license_user_gets_no_one_elses_email(login, world, ours):
    [row] = read(login(world.license_user).get("/licenses/export?format=json"), "json")
    assert row["visible_to"] == []  # who else sees a license is for License Admins


def test_activations_of_a_license_not_granted_are_not_found(login, world, ours, theirs):
    for code in (ours.hidden.code, theirs.license.code, "M01-NOT-A-CODE"):
        assert (
            login(world.license_user).get(f"/licenses/{code}/activations/export").status_code == 404
        )
    assert (
        login(world.outsider).get(f"/licenses/{ours.license.code}/activations/export").status_code
        == 404
    )


@pytest.mark.parametrize("path", LICENSE_LISTS + ["/activity/export"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_of_another_company_appears(login, world, ours, theirs, path, fmt):
    response = login(world.outsider).get(path, {"format": fmt})
    text = str(read(response, fmt))
    assert "Contoso Secret Site" in text
    for ours_ in (
        "Harbour Hotel",
        ours.license.code,
        ours.hidden.code,
        str(ours.installation.uuid),
    ):
        assert ours_ not in text


@pytest.mark.parametrize("who", ["license_admin", "license_user", "no_role"])
def test_only_company_administrators_export_the_audit_log(login, world, ours, who):
    assert login(getattr(world, who)).get("/activity/export").status_code == 403


@pytest.mark.parametrize("path", LICENSE_LISTS)
def test_a_user_without_a_license_role_exports_nothing(login, world, ours, path):
    assert login(world.no_role).get(path).status_code == 403


@pytest.mark.parametrize("path", LICENSE_LISTS + ["/activity/export"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# The API: the same rules, answered as problem details.


@pytest.mark.parametrize("path", API_LISTS)
def test_the_api_exports_only_what_a_license_user_sees(api, world, ours, theirs, path):
    text = str(read(api(world.license_user).get(path, {"format": "json"}), "json"))
    assert ours.license.code in text or "Harbour Hotel" in text
    for hidden in (ours.hidden.code, "Hidden Harbour Hotel", "Contoso Secret Site"):
        assert hidden not in text


def test_the_api_audit_export_is_for_company_administrators(api, world, ours, theirs):
    refused = api(world.license_admin).get("/api/v1/audit-events/export")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    rows = read(api(world.company_admin).get("/api/v1/audit-events/export?format=json"), "json")
    targets = {r["target"] for r in rows}
    assert "Harbour Hotel" in targets
    assert "Contoso Secret Site" not in targets


def test_the_api_activations_export_of_another_companys_license_is_not_found(api, world, ours):
    response = api(world.outsider).get(f"/api/v1/licenses/{ours.license.code}/activations/export")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("path", API_LISTS)
def test_the_api_refuses_a_user_without_a_license_role(api, world, path):
    assert api(world.no_role).get(path).status_code == 403
