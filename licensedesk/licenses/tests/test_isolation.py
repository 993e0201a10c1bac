"""Every page and endpoint of a license or customer, tried by every kind of user: another
company's users and License Users without the grant get 404 (never 403), users without a
license role get 403, and nothing leaks through lists, search, counts or exports."""

import json

import pytest

from licensedesk.customers.models import Customer
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories

# (method, path, body, face, admin only, success status)
ENDPOINTS = [
    ("get", "/licenses/{slc}/", None, "ui", False, 200),
    ("get", "/licenses/{slc}/edit/", None, "ui", False, 200),
    ("post", "/licenses/{slc}/edit/", {"customer_id": "{cid}", "description": "Hacked"}, "ui",
     False, 302),
    ("post", "/licenses/{slc}/visibility/", {"user_ids": []}, "ui", True, 302),
    ("get", "/customers/{cid}/", None, "ui", False, 200),
    ("get", "/customers/{cid}/rename/", None, "ui", True, 200),
    ("post", "/customers/{cid}/rename/", {"name": "Hacked"}, "ui", True, 302),
    ("get", "/customers/{cid}/delete/", None, "ui", True, 200),
    ("post", "/customers/{cid}/delete/", {}, "ui", True, 302),
    ("get", "/api/v1/licenses/{slc}", None, "api", False, 200),
    ("patch", "/api/v1/licenses/{slc}", {"description": "Hacked"}, "api", False, 200),
    ("get", "/api/v1/licenses/{slc}/visibility", None, "api", True, 200),
    ("put", "/api/v1/licenses/{slc}/visibility", {"user_ids": []}, "api", True, 200),
    ("get", "/api/v1/customers/{cid}", None, "api", False, 200),
    ("patch", "/api/v1/customers/{cid}", {"name": "Hacked"}, "api", True, 200),
    ("delete", "/api/v1/customers/{cid}", None, "api", True, 204),
]  # fmt: skip

# role -> (world attribute, granted the license?)
ROLES = {
    "outsider": ("outsider", False),
    "outsider_user": ("outsider_user", False),
    "license_user_without_grant": ("license_user", False),
    "license_user_with_grant": ("license_user", True),
    "license_admin": ("license_admin", False),
    "company_admin": ("company_admin", False),
    "no_role": ("no_role", False),
}


def expected(role, admin_only, ok):
    if role in ("outsider", "outsider_user", "license_user_without_grant"):
        return 404
    if role == "no_role":
        return 403
    if role == "license_user_with_grant" and admin_only:
        return 403
    return ok


@pytest.fixture
def setup(world):
    customer = factories.customer(world.org, "Harbour Hotel", created_by=world.license_admin)
    lic = factories.registered(world.org, cust=customer, description="Lobby")
    # The License User keeps seeing something, so a 404 is about this license only.
    factories.registered(world.org, grant_to=[world.license_user])
    return lic, customer


def state(lic, customer):
    return factories.snapshot(lic), list(Customer.objects.filter(pk=customer.pk).values())


def call(client, method, path, body, face):
    if body is None:
        return getattr(client, method)(path)
    if face == "api":
        return getattr(client, method)(path, json.dumps(body), content_type="application/json")
    return client.post(path, body)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "body", "face", "admin_only", "ok"), ENDPOINTS)
def test_every_endpoint_answers_every_role(
    login, api, world, setup, role, method, path, body, face, admin_only, ok
):
    lic, customer = setup
    attr, grant = ROLES[role]
    user = getattr(world, attr)
    if grant:
        LicenseGrant.objects.create(license=lic, user=user)
    path = path.format(slc=lic.code, cid=customer.pk)
    if body:
        body = {k: (str(customer.pk) if v == "{cid}" else v) for k, v in body.items()}
    before = state(lic, customer)

    client = api(user) if face == "api" else login(user)
    r = call(client, method, path, body, face)

    want = expected(role, admin_only, ok)
    assert r.status_code == want, (role, method, path, r.content[:300])
    if want >= 400:
        assert state(lic, customer) == before
        # Only the path the caller sent may come back (as the problem's `instance`).
        content = r.content.decode().replace(path, "")
        assert "Harbour Hotel" not in content
        assert lic.code not in content
        if face == "api":
            assert r["Content-Type"] == "application/problem+json"


def test_a_404_looks_the_same_for_a_hidden_and_a_missing_license(api, world, setup):
    lic, _ = setup
    client = api(world.outsider)
    hidden = client.get(f"/api/v1/licenses/{lic.code}").json()
    missing = client.get("/api/v1/licenses/M01-C01-251-99-AAAAAA").json()
    hidden.pop("instance"), missing.pop("instance")
    assert hidden == missing


# Lists, search, counts, exports: the hidden license and customer appear nowhere.
LOOKERS = ["outsider", "outsider_user", "license_user_without_grant"]


def looker(world, role):
    return getattr(world, ROLES[role][0])


@pytest.mark.parametrize("role", LOOKERS)
def test_nothing_leaks_through_the_licenses_page(login, world, setup, role):
    lic, customer = setup
    client = login(looker(world, role))
    for query in ("", f"?search={lic.code}", "?search=Lobby", "?search=Harbour",
                  f"?customer={customer.pk}", "?customer=none&size=100"):  # fmt: skip
        r = client.get("/licenses/" + query)
        assert r.status_code == 200
        assert lic not in r.context["page"].object_list
        assert f"/licenses/{lic.code}/" not in r.content.decode()
        assert f'<option value="{customer.pk}"' not in r.content.decode()


@pytest.mark.parametrize("role", LOOKERS)
def test_nothing_leaks_through_the_csv_export(login, world, setup, role):
    lic, customer = setup
    client = login(looker(world, role))
    for query in ("", f"?search={lic.code}", f"?customer={customer.pk}"):
        body = b"".join(client.get("/licenses/export.csv" + query).streaming_content).decode()
        assert lic.code not in body
        assert "Harbour Hotel" not in body


@pytest.mark.parametrize("role", LOOKERS)
def test_nothing_leaks_through_the_api_lists(api, world, setup, role):
    lic, customer = setup
    client = api(looker(world, role))
    for query in ("", f"?search={lic.code}", f"?customer={customer.pk}", "?search=Harbour"):
        body = client.get("/api/v1/licenses" + query).json()
        assert lic.code not in json.dumps(body)
    for query in ("", "?search=Harbour"):
        body = client.get("/api/v1/customers" + query).json()
        assert "Harbour Hotel" not in json.dumps(body)


@pytest.mark.parametrize("role", LOOKERS)
def test_nothing_leaks_through_the_customers_page(login, world, setup, role):
    client = login(looker(world, role))
    r = client.get("/customers/?q=Harbour")
    assert "Harbour Hotel" not in r.content.decode()
    r = client.get("/customers/")
    assert "Harbour Hotel" not in r.content.decode()
    assert all(c.license_count <= 1 for c in r.context["page"].object_list)


def test_a_granted_license_user_sees_it_everywhere(login, api, world, setup):
    lic, customer = setup
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    assert lic in login(world.license_user).get("/licenses/").context["page"].object_list
    body = b"".join(login(world.license_user).get("/licenses/export.csv").streaming_content)
    assert lic.code.encode() in body
    items = api(world.license_user).get("/api/v1/customers").json()["items"]
    assert [c["license_count"] for c in items if c["id"] == customer.pk] == [1]


@pytest.mark.parametrize(
    "path", ["/licenses/", "/licenses/export.csv", "/licenses/register/", "/customers/",
             "/customers/add/"],
)  # fmt: skip
def test_a_user_without_a_license_role_gets_403_on_every_license_page(login, world, path):
    assert login(world.no_role).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/licenses", "/api/v1/customers"])
def test_a_user_without_a_license_role_gets_403_from_the_api_lists(api, world, path):
    r = api(world.no_role).get(path)
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"


def test_another_company_cannot_take_a_registered_code(api, world, setup):
    lic, _ = setup
    before = factories.snapshot(lic)
    r = api(world.outsider).post_json("/api/v1/licenses", {"slc": lic.code})
    assert r.json()["code"] == "slc_unavailable"
    assert factories.snapshot(lic) == before
