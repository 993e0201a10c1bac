"""Customers: a role without the right gets 403 on the web and from the API, and exactly one
`access.denied` audit entry naming the right (the API's refusals come from inside the
services' transactions)."""

from licensedesk.audit.models import AuditEvent
from licensedesk.customers.models import Customer
from licensedesk.licenses.tests import factories


def denied(user):
    return [
        (e.changes["right"], e.changes["path"])
        for e in AuditEvent.objects.filter(action="access.denied", actor=user).order_by("pk")
    ]


def test_adding_a_customer_needs_a_license_role(login, api, world):
    assert login(world.no_role).post("/customers/add/", {"name": "Airport"}).status_code == 403
    r = api(world.no_role).post_json("/api/v1/customers", {"name": "Airport"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert denied(world.no_role) == [
        ("license_role", "/customers/add/"),
        ("license_role", "/api/v1/customers"),
    ]
    assert not Customer.objects.filter(name="Airport").exists()


def test_renaming_and_removing_a_customer_is_for_license_admins(login, api, world):
    mine = factories.customer(world.org, "Harbour Hotel", created_by=world.license_user)
    web, client = login(world.license_user), api(world.license_user)
    assert web.post(f"/customers/{mine.pk}/rename/", {"name": "X"}).status_code == 403
    assert web.post(f"/customers/{mine.pk}/delete/").status_code == 403
    r = client.patch_json(f"/api/v1/customers/{mine.pk}", {"name": "X"})
    assert r.status_code == 403 and r.json()["detail"] == "Only License Admins can do this."
    assert client.delete(f"/api/v1/customers/{mine.pk}").status_code == 403
    assert denied(world.license_user) == [
        ("manage_customers", f"/customers/{mine.pk}/rename/"),
        ("manage_customers", f"/customers/{mine.pk}/delete/"),
        ("manage_customers", f"/api/v1/customers/{mine.pk}"),
        ("manage_customers", f"/api/v1/customers/{mine.pk}"),
    ]
    assert Customer.objects.get(pk=mine.pk).name == "Harbour Hotel"
