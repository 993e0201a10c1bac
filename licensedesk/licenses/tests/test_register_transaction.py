import pytest

from licensedesk.audit.models import AuditEvent
from licensedesk.customers.models import Customer
from licensedesk.licenses import services
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories


class Boom(Exception):
    pass


@pytest.fixture
def failing_grants(monkeypatch):
    def boom(*args, **kwargs):
        raise Boom

    # Registration writes the license, maybe a customer, then the grant: make the grant fail.
    monkeypatch.setattr(LicenseGrant.objects, "create", boom)
    monkeypatch.setattr(LicenseGrant.objects, "bulk_create", boom)


def test_a_failed_grant_leaves_no_trace(world, failing_grants):
    lic = factories.issue()
    with pytest.raises(Boom):
        services.register(world.license_user, lic.code, new_customer="Harbour Hotel")
    assert factories.snapshot(lic)["organization"] is None
    assert factories.snapshot(lic)["registered_at"] is None
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["license.register", "customer.create"])


def test_the_api_answers_500_without_details_and_writes_nothing(api, world, failing_grants):
    lic = factories.issue()
    r = api(world.license_user).post_json(
        "/api/v1/licenses", {"slc": lic.code, "new_customer": "Harbour Hotel"}
    )
    assert r.status_code == 500
    assert r.json()["code"] == "server_error"
    assert "Boom" not in r.content.decode()
    assert factories.snapshot(lic)["organization"] is None
    assert not Customer.objects.exists()


def test_a_failure_after_taking_the_code_rolls_it_back(world):
    lic = factories.issue()
    with pytest.raises(services.ServiceError) as exc:
        services.register(
            world.license_admin, lic.code, new_customer="Harbour Hotel", group_ids=[999_999]
        )
    assert exc.value.code == "unknown_groups"
    assert factories.snapshot(lic)["organization"] is None
    assert not Customer.objects.exists()
