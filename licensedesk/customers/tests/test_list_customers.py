from datetime import date, timedelta

import pytest

from licensedesk.care import status as care_status
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(care_status, "today", lambda: TODAY)


@pytest.fixture
def hotel(world):
    hotel = factories.customer(world.org, "Harbour Hotel")
    for days in (200, 91, 90, 0, -1):  # active, active, ending, ending, expired
        factories.registered(world.org, cust=hotel, care_ends_on=TODAY + timedelta(days))
    factories.registered(world.org, cust=hotel)  # no Care
    return hotel


def row(client, name):
    r = client.get("/customers/")
    assert r.status_code == 200
    return {c.name: c for c in r.context["page"].object_list}.get(name)


def test_it_counts_licenses_and_sums_up_care(login, world, hotel):
    c = row(login(world.license_admin), "Harbour Hotel")
    assert (c.license_count, c.care_active, c.care_ending, c.care_expired) == (6, 2, 2, 1)


def test_the_api_gives_the_same_summary(api, world, hotel):
    [item] = api(world.license_admin).get("/api/v1/customers").json()["items"]
    assert item == {
        "id": hotel.pk,
        "name": "Harbour Hotel",
        "license_count": 6,
        "care_active": 2,
        "care_ending": 2,
        "care_expired": 1,
    }


def test_a_license_user_counts_only_granted_licenses(login, world, hotel):
    lic = hotel.licenses.filter(care_plus_ends_on=TODAY - timedelta(1)).get()
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    c = row(login(world.license_user), "Harbour Hotel")
    assert (c.license_count, c.care_active, c.care_ending, c.care_expired) == (1, 0, 0, 1)


def test_a_license_user_does_not_see_customers_without_granted_licenses(login, world, hotel):
    assert row(login(world.license_user), "Harbour Hotel") is None


def test_a_license_user_sees_customers_they_added(login, world):
    factories.customer(world.org, "Airport", created_by=world.license_user)
    c = row(login(world.license_user), "Airport")
    assert c.license_count == 0


def test_another_company_sees_nothing(login, api, world, hotel):
    assert row(login(world.outsider), "Harbour Hotel") is None
    assert api(world.outsider).get("/api/v1/customers").json()["count"] == 0


def test_another_companys_licenses_never_count(login, world, hotel):
    factories.registered(world.other_org, care_ends_on=TODAY)
    assert row(login(world.license_admin), "Harbour Hotel").license_count == 6


def test_it_shows_how_many_licenses_are_unspecified(login, world, hotel):
    factories.registered(world.org)
    factories.registered(world.org, grant_to=[world.license_user])
    factories.registered(world.other_org)
    assert login(world.license_admin).get("/customers/").context["unspecified"] == 2
    assert login(world.license_user).get("/customers/").context["unspecified"] == 1


def test_it_searches_customers(login, api, world, hotel):
    factories.customer(world.org, "Airport")
    r = login(world.license_admin).get("/customers/?q=harb")
    assert [c.name for c in r.context["page"].object_list] == ["Harbour Hotel"]
    body = api(world.license_admin).get("/api/v1/customers?search=AIR").json()
    assert [c["name"] for c in body["items"]] == ["Airport"]


def test_the_customer_page_lists_its_visible_licenses(login, world, hotel):
    granted = hotel.licenses.first()
    LicenseGrant.objects.create(license=granted, user=world.license_user)
    r = login(world.license_admin).get(f"/customers/{hotel.pk}/")
    assert len(r.context["page"].object_list) == 6
    r = login(world.license_user).get(f"/customers/{hotel.pk}/")
    assert list(r.context["page"].object_list) == [granted]


def test_a_user_without_a_license_role_gets_403(login, api, world):
    assert login(world.no_role).get("/customers/").status_code == 403
    assert api(world.no_role).get("/api/v1/customers").status_code == 403
