"""An import sees only the importer's company: another company's SLC is the same error as a
code never issued (the single registration's answer: no oracle), and other companies'
customers, groups and users are never matched, changed or named."""

import pytest

from licensedesk.audit.models import AuditEvent
from licensedesk.core.errors import ServiceError
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup
from licensedesk.imports import services
from licensedesk.imports.tests.helpers import csv_bytes, dry_run, run, state
from licensedesk.licenses import services as license_services
from licensedesk.licenses.tests import factories


@pytest.fixture
def unavailable(world):
    """Well-formed codes the company cannot register, one for each reason."""
    never_issued = "M01-C01-251-99-ZZZZZZ"
    sold_to_another = factories.issue(partner=world.other_org).code
    theirs = factories.registered(world.other_org, description="Theirs").code
    return [never_issued, sold_to_another, theirs]


def test_every_unregistrable_code_gets_the_single_registrations_answer(world, unavailable):
    content = csv_bytes([[code, "", "", "", ""] for code in unavailable])
    errors = dry_run(world.license_admin, content).errors
    assert [(e.row, e.column) for e in errors] == [(2, "slc"), (3, "slc"), (4, "slc")]
    assert len({e.message for e in errors}) == 1
    for code in unavailable:
        with pytest.raises(ServiceError) as refused:
            license_services.register(world.license_admin, code)
        assert refused.value.message == errors[0].message


def test_another_companys_license_is_never_changed(world, unavailable):
    before = state(unavailable)
    outcome = run(
        world.license_admin,
        csv_bytes([[code, "Mine now", "Taken", "G", ""] for code in unavailable]),
        partial=True,
    )
    assert outcome.report(dry_run=False)["registered"] == 0
    assert state(unavailable) == before
    assert not AuditEvent.objects.filter(organization=world.other_org).exists()


def test_other_companies_names_and_users_are_not_matched(world):
    free = factories.issue().code
    theirs = factories.customer(world.other_org, "Harbour Hotel")
    their_group = LicenseGroup.objects.create(organization=world.other_org, name="North")
    content = csv_bytes([[free, "Harbour Hotel", "", "North", world.outsider_user.email]])
    errors = dry_run(world.license_admin, content).errors
    assert [(e.column, e.message) for e in errors] == [
        (
            "visible_to",
            f"{world.outsider_user.email} is not an active License User of your company.",
        )
    ]
    run(world.license_admin, csv_bytes([[free, "Harbour Hotel", "", "North", ""]]))
    after = state([free])[free]
    assert after["customer"] == "Harbour Hotel" and after["groups"] == ["North"]
    ours = Customer.objects.get(organization=world.org, name="Harbour Hotel")
    assert ours.pk != theirs.pk
    assert their_group.licenses.count() == 0
    assert LicenseGroup.objects.filter(organization=world.org, name="North").exists()


def test_unavailable_codes_use_up_the_companys_guessing_budget(world, monkeypatch):
    monkeypatch.setattr(services, "FAILED_CODES", services.ratelimit.Limit(3, 3600))
    free = factories.issue().code
    good = csv_bytes([[free, "", "", "", ""]] * 1)
    guesses = csv_bytes([[f"M01-C01-251-9{i}-ZZZZZZ", "", "", "", ""] for i in range(3)])
    dry_run(world.license_admin, good)  # a registrable code costs nothing
    dry_run(world.license_admin, good)
    dry_run(world.license_admin, guesses)
    with pytest.raises(services.ratelimit.RateLimited):
        dry_run(world.license_admin, good)
    # Another company's budget is its own.
    dry_run(world.outsider, good)
