"""The API's one-query license lookup (access.visible_license) follows exactly the rule of
access.licenses_visible_to, for every kind of user, and loads what the ORM would."""

import pytest

from licensedesk import access
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

USERS = ["company_admin", "license_admin", "license_user", "no_role", "outsider", "outsider_user"]


@pytest.fixture
def licenses(world):
    mine_granted = factories.registered(
        world.org, cust=factories.customer(world.org), grant_to=[world.license_user]
    )
    mine_ungranted = factories.registered(world.org)  # no customer: Unspecified
    theirs = factories.registered(world.other_org, grant_to=[world.outsider_user])
    unregistered = factories.issue()
    return [mine_granted, mine_ungranted, theirs, unregistered]


@pytest.mark.parametrize("who", USERS)
def test_it_finds_exactly_the_licenses_the_rule_lets_the_user_see(world, licenses, who):
    user = getattr(world, who)
    for lic in licenses:
        expected = access.licenses_visible_to(user).filter(pk=lic.pk).exists()
        found = access.visible_license(user, lic.code)
        assert (found is not None) == expected, (who, lic.code)


def test_a_deactivated_license_admin_finds_nothing(world, licenses):
    world.license_admin.is_active = False
    world.license_admin.save()
    assert all(access.visible_license(world.license_admin, lic.code) is None for lic in licenses)


def test_vendor_staff_sees_no_license_through_it(world, licenses):
    assert all(access.visible_license(world.staff, lic.code) is None for lic in licenses)


def test_it_loads_the_license_as_the_orm_does(world, licenses):
    lic = licenses[0]
    found = access.visible_license(world.license_user, lic.code)
    orm = License.objects.select_related("product", "version", "organization", "customer").get(
        pk=lic.pk
    )
    for field in License._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(orm, field.attname), field.name
    assert found.product.code == orm.product.code and found.version.name == orm.version.name
    assert found.organization.name == "Northwind Security"
    assert found.customer.name == orm.customer.name
    assert found.issued_at.tzinfo is not None  # aware, as the ORM gives it


def test_a_license_without_customer_has_none(world, licenses):
    assert access.visible_license(world.license_admin, licenses[1].code).customer is None
