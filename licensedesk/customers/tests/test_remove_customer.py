import pytest

from licensedesk.audit.models import AuditEvent
from licensedesk.customers.models import Customer
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories


@pytest.fixture
def hotel(world):
    hotel = factories.customer(world.org, "Harbour Hotel")
    factories.registered(world.org, cust=hotel, description="Lobby")
    factories.registered(world.org, cust=hotel, description="Gate")
    return hotel


def test_removing_a_customer_keeps_its_licenses_as_unspecified(api, world, hotel):
    codes = sorted(hotel.licenses.values_list("code", flat=True))
    r = api(world.license_admin).delete(f"/api/v1/customers/{hotel.pk}")
    assert r.status_code == 204
    assert not Customer.objects.filter(pk=hotel.pk).exists()
    kept = License.objects.filter(code__in=codes)
    assert kept.count() == 2
    assert all(lic.customer is None and lic.organization == world.org for lic in kept)
    listed = api(world.license_admin).get("/api/v1/licenses?customer=none").json()["items"]
    assert sorted(i["slc"] for i in listed) == codes
    assert AuditEvent.objects.get(action="customer.delete").changes["licenses_unspecified"] == 2


def test_it_removes_on_the_page_after_confirming(login, world, hotel):
    client = login(world.license_admin)
    r = client.get(f"/customers/{hotel.pk}/delete/")
    assert r.context["license_count"] == 2
    assert Customer.objects.filter(pk=hotel.pk).exists()  # GET changes nothing
    r = client.post(f"/customers/{hotel.pk}/delete/")
    assert r.status_code == 302
    assert not Customer.objects.filter(pk=hotel.pk).exists()
    assert License.objects.filter(organization=world.org, customer=None).count() == 2
    assert client.get("/customers/").context["unspecified"] == 2


def test_a_license_user_cannot_remove(api, login, world, hotel):
    hotel.licenses.first().grants.create(user=world.license_user)
    assert api(world.license_user).delete(f"/api/v1/customers/{hotel.pk}").status_code == 403
    assert login(world.license_user).post(f"/customers/{hotel.pk}/delete/").status_code == 403
    assert hotel.licenses.count() == 2


def test_another_company_gets_404(api, world, hotel):
    assert api(world.outsider).delete(f"/api/v1/customers/{hotel.pk}").status_code == 404
    assert hotel.licenses.count() == 2
