import pytest

from licensedesk.accounts.models import Organization, Role, User
from licensedesk.core.errors import ServiceError
from licensedesk.core.testing import needs_postgresql, race
from licensedesk.customers.models import Customer
from licensedesk.licenses import services
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

THREADS = 24


@pytest.mark.django_db(transaction=True)
def test_of_many_companies_racing_for_a_code_exactly_one_wins():
    needs_postgresql()
    code = factories.issue().code
    users = []
    for i in range(THREADS):
        org = Organization.objects.create(name=f"Partner {i}", slug=f"partner-{i}", country="DK")
        users.append(
            User.objects.create_user(
                email=f"admin{i}@partner{i}.example",
                password="correct horse battery staple",
                organization=org,
                role=Role.LICENSE_ADMIN,
            )
        )

    def attempt(i):
        services.register(users[i], code, new_customer=f"Customer {i}")
        return "registered"

    results = [
        r.code if isinstance(r, ServiceError) else r for r in race(attempt, THREADS, timeout=60)
    ]

    assert results.count("registered") == 1, results
    assert results.count("slc_unavailable") == THREADS - 1, results
    winner = users[results.index("registered")]
    lic = License.objects.get(code=code)
    assert lic.organization_id == winner.organization_id
    assert lic.registered_by == winner
    # The losers' new customers were rolled back with their attempts.
    assert list(Customer.objects.values_list("organization_id", flat=True)) == [
        winner.organization_id
    ]
