import pytest

from licensedesk.audit.models import AuditEvent
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories


@pytest.fixture
def lic(world):
    return factories.registered(
        world.org, cust=factories.customer(world.org, "Harbour Hotel"), description="Lobby"
    )


def url(lic):
    return f"/api/v1/licenses/{lic.code}"


def test_a_license_admin_changes_the_description(api, world, lic):
    r = api(world.license_admin).patch_json(url(lic), {"description": "Lobby and car park"})
    assert r.status_code == 200
    assert r.json()["description"] == "Lobby and car park"
    assert factories.snapshot(lic)["description"] == "Lobby and car park"
    assert AuditEvent.objects.filter(action="license.update").exists()


def test_it_moves_a_license_to_another_customer(api, world, lic):
    other = factories.customer(world.org, "Airport")
    r = api(world.license_admin).patch_json(url(lic), {"customer_id": other.pk})
    assert r.json()["customer"]["name"] == "Airport"
    assert factories.snapshot(lic)["description"] == "Lobby"  # untouched


def test_it_makes_a_license_unspecified(api, world, lic):
    r = api(world.license_admin).patch_json(url(lic), {"customer_id": None})
    assert r.status_code == 200
    assert r.json()["customer"] is None


def test_it_adds_a_customer_inline(api, world, lic):
    r = api(world.license_admin).patch_json(url(lic), {"new_customer": "Airport"})
    assert r.json()["customer"]["name"] == "Airport"


def test_an_empty_description_is_fine(api, world, lic):
    r = api(world.license_admin).patch_json(url(lic), {"description": ""})
    assert r.status_code == 200
    assert factories.snapshot(lic)["description"] == ""


def test_a_granted_license_user_may_edit(api, world, lic):
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    r = api(world.license_user).patch_json(url(lic), {"description": "Gate"})
    assert r.status_code == 200


def test_a_too_long_description_changes_nothing(api, world, lic):
    before = factories.snapshot(lic)
    r = api(world.license_admin).patch_json(url(lic), {"description": "x" * 10_000})
    assert 400 <= r.status_code < 500
    assert factories.snapshot(lic) == before


@pytest.mark.parametrize("whose", ["other company", "nobody"])
def test_a_customer_that_is_not_ours_changes_nothing(api, world, lic, whose):
    theirs = factories.customer(world.other_org, "Their customer")
    before = factories.snapshot(lic)
    customer_id = theirs.pk if whose == "other company" else 999_999
    r = api(world.license_admin).patch_json(url(lic), {"customer_id": customer_id})
    assert r.status_code == 400
    assert r.json()["code"] == "unknown_customer"
    assert factories.snapshot(lic) == before


@pytest.mark.parametrize(
    "field",
    ["slc", "code", "organization", "organization_id", "product", "product_id", "sold_to"],
)
def test_it_refuses_to_change_what_never_changes(api, world, lic, field):
    before = factories.snapshot(lic)
    value = world.other_org.pk if "org" in field or field == "sold_to" else "M01-C01-251-09-AAAAAA"
    r = api(world.license_admin).patch_json(url(lic), {field: value, "description": "New"})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"
    assert factories.snapshot(lic) == before


def test_the_edit_page_saves_customer_and_description(login, world, lic):
    other = factories.customer(world.org, "Airport")
    r = login(world.license_admin).post(
        f"/licenses/{lic.code}/edit/", {"customer_id": other.pk, "description": "Gate"}
    )
    assert r.status_code == 302
    after = factories.snapshot(lic)
    assert (after["customer"], after["description"]) == (other.pk, "Gate")


def test_the_edit_page_refuses_a_long_description(login, world, lic):
    before = factories.snapshot(lic)
    r = login(world.license_admin).post(
        f"/licenses/{lic.code}/edit/", {"customer_id": lic.customer_id, "description": "x" * 10_000}
    )
    assert r.status_code == 200
    assert "description" in r.context["form"].errors
    assert factories.snapshot(lic) == before


def test_the_edit_page_refuses_another_companys_customer(login, world, lic):
    theirs = factories.customer(world.other_org, "Their customer")
    before = factories.snapshot(lic)
    r = login(world.license_admin).post(
        f"/licenses/{lic.code}/edit/", {"customer_id": theirs.pk, "description": "x"}
    )
    assert r.status_code == 200
    assert r.context["form"].errors
    assert factories.snapshot(lic) == before


def test_the_edit_page_ignores_fields_it_does_not_have(login, world, lic):
    before = factories.snapshot(lic)
    login(world.license_admin).post(
        f"/licenses/{lic.code}/edit/",
        {
            "customer_id": lic.customer_id,
            "description": "Lobby",
            "organization": world.other_org.pk,
            "code": "M01-C01-251-09-AAAAAA",
        },
    )
    assert factories.snapshot(lic) == before
