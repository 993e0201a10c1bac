import pytest

from licensedesk.audit.models import AuditEvent
from licensedesk.customers.models import Customer
from licensedesk.licenses import services
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.licenses.tests import factories

URL = "/api/v1/licenses"
PAGE = "/licenses/register/"


def post(client, slc, **extra):
    return client.post_json(URL, {"slc": slc, **extra})


def test_a_license_admin_registers_a_code_for_a_new_customer(api, world):
    lic = factories.issue()
    r = post(api(world.license_admin), lic.code, new_customer="Harbour Hotel", description="Lobby")
    assert r.status_code == 201
    body = r.json()
    assert body["slc"] == lic.code
    assert body["customer"]["name"] == "Harbour Hotel"
    assert body["description"] == "Lobby"
    lic.refresh_from_db()
    assert lic.organization == world.org
    assert lic.registered_by == world.license_admin
    assert lic.customer.organization == world.org
    assert AuditEvent.objects.filter(action="license.register").exists()


def test_it_registers_for_an_existing_customer(api, world):
    lic = factories.issue()
    customer = factories.customer(world.org)
    r = post(api(world.license_admin), lic.code, customer_id=customer.pk)
    assert r.status_code == 201
    assert r.json()["customer"] == {"id": customer.pk, "name": customer.name}


def test_a_new_customer_with_a_known_name_is_the_known_customer(api, world):
    lic = factories.issue()
    customer = factories.customer(world.org, "Harbour Hotel")
    r = post(api(world.license_admin), lic.code, new_customer="  harbour   HOTEL ")
    assert r.json()["customer"]["id"] == customer.pk
    assert Customer.objects.count() == 1


def test_it_registers_without_a_customer_and_with_an_empty_description(api, world):
    lic = factories.issue()
    r = post(api(world.license_admin), lic.code, description="")
    assert r.status_code == 201
    assert r.json()["customer"] is None
    assert r.json()["description"] == ""


def test_it_forgives_spaces_and_case(api, world):
    lic = factories.issue()
    messy = " " + lic.code.lower().replace("-", " - ") + " "
    r = post(api(world.license_admin), messy)
    assert r.status_code == 201
    assert r.json()["slc"] == lic.code


def test_a_code_sold_to_us_can_be_registered_by_us(api, world):
    lic = factories.issue(partner=world.org)
    assert post(api(world.license_admin), lic.code).status_code == 201


def test_a_registering_license_user_is_granted_the_license(api, world):
    lic = factories.issue()
    r = post(api(world.license_user), lic.code)
    assert r.status_code == 201
    assert LicenseGrant.objects.filter(license=lic, user=world.license_user).exists()
    assert api(world.license_user).get(f"{URL}/{lic.code}").status_code == 200


def test_a_registering_license_admin_needs_no_grant(api, world):
    lic = factories.issue()
    post(api(world.license_admin), lic.code)
    assert not LicenseGrant.objects.filter(license=lic).exists()


@pytest.fixture
def unavailable(world):
    """The three ways a code is not ours to take."""
    registered = factories.issue()
    registered.organization = world.other_org
    registered.save()
    return {
        "never issued": "M01-C01-251-01-7K3QF9",
        "sold to another partner": factories.issue(partner=world.other_org).code,
        "registered by another company": registered.code,
    }


def test_every_unavailable_code_gets_the_same_answer(api, world, unavailable):
    client = api(world.license_admin)
    bodies = {}
    for reason, code in unavailable.items():
        r = post(client, code, new_customer="Harbour Hotel", description="x")
        assert r.status_code == 400, reason
        assert r["Content-Type"] == "application/problem+json"
        body = r.json()
        assert body["code"] == "slc_unavailable"
        body.pop("instance")
        bodies[reason] = body
    assert len({repr(sorted(b.items())) for b in bodies.values()}) == 1
    assert not Customer.objects.exists()
    assert License.objects.filter(organization=world.org).count() == 0


def test_every_unavailable_code_gets_the_same_page(login, world, unavailable):
    client = login(world.license_admin)
    errors = set()
    for code in unavailable.values():
        r = client.post(PAGE, {"slc": code, "description": ""})
        assert r.status_code == 200
        errors.add(tuple(r.context["form"].errors["slc"]))
    assert errors == {(services.UNAVAILABLE,)}


def test_a_code_our_company_registered_is_a_conflict(api, world):
    lic = factories.registered(world.org)
    r = post(api(world.license_admin), lic.code)
    assert r.status_code == 409
    assert r.json()["code"] == "slc_already_registered"


def test_the_conflict_links_the_license_only_if_the_user_sees_it(login, world):
    lic = factories.registered(world.org)
    r = login(world.license_admin).post(PAGE, {"slc": lic.code})
    assert r.context["existing"] == lic
    r = login(world.license_user).post(PAGE, {"slc": lic.code})
    assert r.context["existing"] is None
    assert "already registered" in r.context["form"].errors["slc"][0]


def test_a_malformed_code_is_refused(api, world):
    r = post(api(world.license_admin), "not a code")
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_slc_format"


def test_a_license_admin_registers_on_the_page(login, world):
    lic = factories.issue()
    r = login(world.license_admin).post(
        PAGE, {"slc": lic.code.lower(), "new_customer": "Harbour Hotel", "description": "Lobby"}
    )
    assert r.status_code == 302
    assert r["Location"] == f"/licenses/{lic.code}/"
    lic.refresh_from_db()
    assert (lic.organization, lic.customer.name, lic.description) == (
        world.org,
        "Harbour Hotel",
        "Lobby",
    )


def test_it_refuses_both_a_customer_and_a_new_customer(api, world):
    lic = factories.issue()
    customer = factories.customer(world.org)
    r = post(api(world.license_admin), lic.code, customer_id=customer.pk, new_customer="Other")
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_customer"
    assert factories.snapshot(lic)["organization"] is None


@pytest.mark.parametrize("whose", ["other company", "nobody"])
def test_a_customer_id_that_is_not_ours_is_refused_and_nothing_changes(api, world, whose):
    lic = factories.issue()
    theirs = factories.customer(world.other_org, "Their customer")
    customer_id = theirs.pk if whose == "other company" else 999_999
    r = post(api(world.license_admin), lic.code, customer_id=customer_id)
    assert r.status_code == 400
    assert r.json()["code"] == "unknown_customer"
    assert "Their customer" not in r.content.decode()
    assert factories.snapshot(lic)["organization"] is None
    assert not theirs.licenses.exists()


def test_a_license_user_cannot_pick_a_customer_they_do_not_see(api, world):
    lic = factories.issue()
    hidden = factories.customer(world.org, "Hidden", created_by=world.license_admin)
    r = post(api(world.license_user), lic.code, customer_id=hidden.pk)
    assert r.status_code == 400
    assert factories.snapshot(lic)["organization"] is None


def test_an_empty_description_is_fine_and_a_long_one_is_refused(api, world):
    lic = factories.issue()
    client = api(world.license_admin)
    r = post(client, lic.code, description="x" * 10_000, new_customer="Harbour Hotel")
    assert 400 <= r.status_code < 500
    assert factories.snapshot(lic)["organization"] is None
    assert not Customer.objects.exists()
    r = post(client, lic.code, description="x" * services.MAX_DESCRIPTION)
    assert r.status_code == 201


def test_a_long_description_is_refused_on_the_page(login, world):
    lic = factories.issue()
    r = login(world.license_admin).post(PAGE, {"slc": lic.code, "description": "x" * 10_000})
    assert r.status_code == 200
    assert "description" in r.context["form"].errors
    assert factories.snapshot(lic)["organization"] is None


def test_the_service_refuses_a_long_description(world):
    lic = factories.issue()
    with pytest.raises(services.ServiceError) as exc:
        services.register(world.license_admin, lic.code, description="x" * 10_000)
    assert exc.value.code == "invalid_description"
    assert factories.snapshot(lic)["organization"] is None


def test_it_refuses_unknown_fields(api, world):
    lic = factories.issue()
    r = post(api(world.license_admin), lic.code, organization_id=world.other_org.pk)
    assert r.status_code == 422
    assert factories.snapshot(lic)["organization"] is None


def test_a_user_without_a_license_role_cannot_register(api, login, world):
    lic = factories.issue()
    assert post(api(world.no_role), lic.code).status_code == 403
    assert login(world.no_role).post(PAGE, {"slc": lic.code}).status_code == 403
    assert factories.snapshot(lic)["organization"] is None


def test_the_register_page_shows_only_our_customers(login, world):
    factories.customer(world.org, "Our customer")
    factories.customer(world.other_org, "Their customer")
    body = login(world.license_admin).get(PAGE).content.decode()
    assert "Our customer" in body
    assert "Their customer" not in body
