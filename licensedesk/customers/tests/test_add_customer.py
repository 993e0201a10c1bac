import pytest
from django.db import connection

from licensedesk.audit.models import AuditEvent
from licensedesk.customers.models import Customer
from licensedesk.licenses.tests import factories


@pytest.mark.parametrize("who", ["license_admin", "license_user"])
def test_a_license_role_adds_a_customer(api, world, who):
    r = api(getattr(world, who)).post_json("/api/v1/customers", {"name": "  Harbour   Hotel "})
    assert r.status_code == 201
    assert r.json()["name"] == "Harbour Hotel"
    assert r.json()["license_count"] == 0
    customer = Customer.objects.get()
    assert customer.organization == world.org
    assert customer.created_by == getattr(world, who)
    assert AuditEvent.objects.filter(action="customer.create").exists()


def test_it_adds_a_customer_on_the_page(login, world):
    r = login(world.license_admin).post("/customers/add/", {"name": "Harbour Hotel"})
    customer = Customer.objects.get()
    assert r.status_code == 302
    assert r["Location"] == f"/customers/{customer.pk}/"


def test_a_name_is_unique_in_a_company_whatever_the_case(api, world):
    factories.customer(world.org, "Harbour Hotel")
    r = api(world.license_admin).post_json("/api/v1/customers", {"name": "HARBOUR hotel"})
    assert r.status_code == 409
    assert r.json()["code"] == "customer_exists"
    assert Customer.objects.count() == 1


def test_another_company_may_use_the_same_name(api, world):
    factories.customer(world.org, "Harbour Hotel")
    assert (
        api(world.outsider).post_json("/api/v1/customers", {"name": "Harbour Hotel"}).status_code
        == 201
    )


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_it_refuses_an_empty_or_long_name(api, world, name):
    r = api(world.license_admin).post_json("/api/v1/customers", {"name": name})
    assert 400 <= r.status_code < 500
    assert not Customer.objects.exists()


def test_it_refuses_another_organization(api, world):
    r = api(world.license_admin).post_json(
        "/api/v1/customers", {"name": "Harbour Hotel", "organization_id": world.other_org.pk}
    )
    assert r.status_code == 422
    assert not Customer.objects.exists()


def test_a_user_without_a_license_role_cannot_add(api, login, world):
    assert api(world.no_role).post_json("/api/v1/customers", {"name": "X"}).status_code == 403
    assert login(world.no_role).post("/customers/add/", {"name": "X"}).status_code == 403
    assert not Customer.objects.exists()


def _database_lowers_alike(a: str, b: str) -> bool:
    """What the unique constraint on names compares: the database's own lower()."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT LOWER(%s) = LOWER(%s)", [a, b])
        return bool(cursor.fetchone()[0])


@pytest.mark.parametrize("variant", ["İZMİR OTEL", "İZMIR OTEL", "izmir otel", "ΟΔΟΣ"])
def test_a_name_in_another_case_is_the_customer_the_database_holds_unique(api, world, variant):
    first = factories.customer(world.org, "İzmir Otel")
    r = api(world.license_admin).post_json("/api/v1/customers", {"name": variant})
    same = _database_lowers_alike("İzmir Otel", variant)
    assert r.status_code == (409 if same else 201)
    assert Customer.objects.filter(organization=world.org).count() == (1 if same else 2)
    assert first in Customer.objects.all()
