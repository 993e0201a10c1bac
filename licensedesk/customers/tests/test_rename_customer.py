import pytest

from licensedesk.audit.models import AuditEvent
from licensedesk.customers.models import Customer
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories


@pytest.fixture
def hotel(world):
    return factories.customer(world.org, "Harbour Hotel")


def name_of(customer):
    return Customer.objects.get(pk=customer.pk).name


def test_a_license_admin_renames_a_customer(api, world, hotel):
    r = api(world.license_admin).patch_json(f"/api/v1/customers/{hotel.pk}", {"name": "Grand"})
    assert r.status_code == 200
    assert r.json()["name"] == "Grand"
    assert name_of(hotel) == "Grand"
    assert AuditEvent.objects.filter(action="customer.rename").exists()


def test_it_renames_on_the_page(login, world, hotel):
    r = login(world.license_admin).post(f"/customers/{hotel.pk}/rename/", {"name": "Grand"})
    assert r.status_code == 302
    assert name_of(hotel) == "Grand"


def test_it_may_change_only_the_case(api, world, hotel):
    r = api(world.license_admin).patch_json(
        f"/api/v1/customers/{hotel.pk}", {"name": "HARBOUR HOTEL"}
    )
    assert r.status_code == 200
    assert name_of(hotel) == "HARBOUR HOTEL"


def test_it_refuses_the_name_of_another_customer(api, world, hotel):
    factories.customer(world.org, "Airport")
    r = api(world.license_admin).patch_json(f"/api/v1/customers/{hotel.pk}", {"name": "airport"})
    assert r.status_code == 409
    assert name_of(hotel) == "Harbour Hotel"


def test_a_license_user_cannot_rename(api, login, world, hotel):
    factories.registered(world.org, cust=hotel, grant_to=[world.license_user])
    assert LicenseGrant.objects.exists()
    r = api(world.license_user).patch_json(f"/api/v1/customers/{hotel.pk}", {"name": "Grand"})
    assert r.status_code == 403
    r = login(world.license_user).post(f"/customers/{hotel.pk}/rename/", {"name": "Grand"})
    assert r.status_code == 403
    assert name_of(hotel) == "Harbour Hotel"


def test_another_company_gets_404(api, world, hotel):
    r = api(world.outsider).patch_json(f"/api/v1/customers/{hotel.pk}", {"name": "Grand"})
    assert r.status_code == 404
    assert name_of(hotel) == "Harbour Hotel"


def test_it_refuses_moving_a_customer_to_another_company(api, world, hotel):
    r = api(world.license_admin).patch_json(
        f"/api/v1/customers/{hotel.pk}", {"name": "Grand", "organization": world.other_org.pk}
    )
    assert r.status_code == 422
    assert Customer.objects.get(pk=hotel.pk).organization == world.org
