"""Two imports with overlapping SLCs, run by 20 threads at once (each its own connection,
released together): every SLC is registered exactly once, by one company, and each
import applies all or nothing (Alpha's) or its valid rows (Beta's)."""

import pytest

from conftest import make_user
from licensedesk.accounts.models import Organization, Role
from licensedesk.audit.models import AuditEvent
from licensedesk.core.testing import needs_postgresql, race
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup
from licensedesk.imports.tests.helpers import csv_bytes, run
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_two_imports_racing_on_overlapping_codes_register_each_once():
    needs_postgresql()
    codes = [lic.code for lic in factories.issue(count=30)]
    first, second = codes[:20], codes[10:]  # ten codes in both files
    companies = []
    for name in ("Alpha", "Beta"):
        org = Organization.objects.create(name=name, slug=name.lower(), country="DK")
        companies.append(make_user(org, f"admin@{name.lower()}.example", Role.LICENSE_ADMIN))
    files = [
        csv_bytes([[code, "Shared Customer", f"From {i}", "Shared group", ""] for code in part])
        for i, part in enumerate((first, second))
    ]

    def attempt(i):
        # Half the threads import the first file for Alpha, half the second for Beta (its
        # valid rows only); the same company's imports of one file race each other as well.
        outcome = run(companies[i % 2], files[i % 2], partial=i % 2 == 1)
        return outcome.report(dry_run=False)

    reports = race(attempt, THREADS, timeout=120)
    assert not [r for r in reports if isinstance(r, Exception)], reports

    registered = License.objects.filter(code__in=codes, organization__isnull=False)
    owners = dict(registered.values_list("code", "organization_id"))
    events = AuditEvent.objects.filter(action="license.register")
    per_code = {}
    for label in events.values_list("target_label", flat=True):
        per_code[label] = per_code.get(label, 0) + 1
    assert set(per_code.values()) == {1}, "a code was registered twice"
    assert set(per_code) == set(owners)
    assert sum(r["registered"] for r in reports) == len(owners)
    alpha, beta = (
        {code for code, org in owners.items() if org == admin.organization_id}
        for admin in companies
    )
    # Alpha's import is all or nothing: its whole file, or nothing if Beta took a shared
    # code first; Beta's valid rows are its own codes and the shared ones Alpha left.
    if alpha:
        assert (alpha, beta) == (set(first), set(codes[20:]))
    else:
        assert beta == set(second)
    # Each company made its new customer and group once, however many imports raced.
    for admin in companies:
        made = Customer.objects.filter(organization_id=admin.organization_id)
        assert made.count() <= 1
        assert LicenseGroup.objects.filter(organization_id=admin.organization_id).count() <= 1
