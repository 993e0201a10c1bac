import threading

import pytest
from django.db import connection

from licensedesk.accounts.models import Organization, Role, User
from licensedesk.core.errors import ServiceError
from licensedesk.customers.models import Customer
from licensedesk.licenses import services
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

THREADS = 24


@pytest.mark.django_db(transaction=True)
def test_of_many_companies_racing_for_a_code_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency needs PostgreSQL")
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
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def attempt(i):
        try:
            barrier.wait(timeout=30)
            services.register(users[i], code, new_customer=f"Customer {i}")
            results[i] = "registered"
        except ServiceError as exc:
            results[i] = exc.code
        except Exception as exc:
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

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
