"""Which codes a company may register, one rule for the register dialog and the import: a
code sold to nobody or to the company and registered by no company. A code sold to another
partner, or registered by another company, is not there to take."""

from licensedesk import access
from licensedesk.licenses.tests import factories


def _codes(user) -> set[str]:
    return set(access.registrable_by(user).values_list("code", flat=True))


def test_a_company_may_register_codes_sold_to_nobody_or_to_it(world):
    free = factories.issue().code
    ours = factories.issue(partner=world.org).code
    theirs = factories.issue(partner=world.other_org).code
    factories.registered(world.other_org)
    factories.registered(world.org)
    assert _codes(world.license_admin) == _codes(world.license_user) == {free, ours}
    assert _codes(world.outsider) == {free, theirs}


def test_a_user_without_a_license_role_may_register_nothing(world):
    factories.issue()
    assert _codes(world.no_role) == set()


def test_no_company_has_no_licenses_not_even_the_unregistered_ones(world):
    factories.issue()
    assert not access.licenses_of_company(None).exists()
    assert access.licenses_of_company(world.org.pk).count() == (
        access.licenses_visible_to(world.license_admin).count()
    )
