"""Customer and group names beyond ASCII. Whether two names are the same is the database's
rule (the unique constraints on lower(name)): SQLite lowers ASCII letters only, PostgreSQL by
its locale, and neither as Python does ('İzmir', final sigma). The import must find the
existing customers and groups by that rule, never take one for new, and never fail."""

from licensedesk.customers.models import Customer
from licensedesk.customers.services import get_or_create_customer
from licensedesk.groups.models import LicenseGroup
from licensedesk.imports import applying, services, uploads
from licensedesk.imports.tests.helpers import csv_bytes, dry_run, run, state
from licensedesk.licenses.tests import factories

NAMES = ["Ärzte GmbH", "İzmir", "ΟΔΟΣ"]
URL = "/api/v1/imports/licenses"


def rows(codes, names):
    """One row per code: its customer and its one group both named `name`."""
    return [[code, name, "", name, ""] for code, name in zip(codes, names, strict=True)]


def new_names(plan) -> tuple[list, list]:
    """The customers and groups the preview says the import would create."""
    shown = uploads.preview(plan)
    return shown["new_customers"], shown["new_groups"]


def test_new_names_are_created_once_and_found_by_the_next_import(world):
    admin = world.license_admin
    first = [lic.code for lic in factories.issue(count=3)]
    second = [lic.code for lic in factories.issue(count=3)]

    assert new_names(dry_run(admin, csv_bytes(rows(first, NAMES)))) == (
        sorted(NAMES),
        sorted(NAMES),
    )
    assert run(admin, csv_bytes(rows(first, NAMES))).applied

    assert new_names(dry_run(admin, csv_bytes(rows(second, NAMES)))) == ([], [])
    assert run(admin, csv_bytes(rows(second, NAMES))).applied

    after = state(first + second)
    for codes in (first, second):
        assert [after[code]["customer"] for code in codes] == NAMES
        assert [after[code]["groups"] for code in codes] == [[name] for name in NAMES]
    assert Customer.objects.filter(organization=world.org).count() == len(NAMES)
    assert LicenseGroup.objects.filter(organization=world.org).count() == len(NAMES)


def test_existing_customers_and_groups_are_reused_not_taken_for_new(world):
    admin = world.license_admin
    customers = {name: factories.customer(world.org, name) for name in NAMES}
    groups = {
        name: LicenseGroup.objects.create(organization=world.org, name=name, created_by=admin)
        for name in NAMES
    }
    ours = factories.registered(world.org, cust=customers["İzmir"])
    free = [lic.code for lic in factories.issue(count=2)]
    content = csv_bytes(rows([ours.code, *free], NAMES))

    assert new_names(dry_run(admin, content)) == ([], [])
    assert run(admin, content).applied

    after = state([ours.code, *free])
    assert [after[code]["customer"] for code in (ours.code, *free)] == NAMES
    assert Customer.objects.filter(organization=world.org).count() == len(NAMES)
    assert LicenseGroup.objects.filter(organization=world.org).count() == len(NAMES)
    for code, name in zip((ours.code, *free), NAMES, strict=True):
        assert groups[name].licenses.filter(code=code).exists()


def test_another_case_of_an_existing_name_is_the_customer_single_registration_picks(world):
    """Which spellings are the same name depends on the database (SQLite does not fold 'Ä'
    and 'ä'): the import takes the customer that registering one license would."""
    admin = world.license_admin
    existing = ["Ärzte GmbH", "İzmir Otel"]
    variants = ["ÄRZTE GMBH", "İZMIR OTEL"]
    for name in existing:
        factories.customer(world.org, name)
    companys = Customer.objects.filter(organization=world.org)
    same = {v: companys.filter(name__iexact=v).exists() for v in variants}
    free = [lic.code for lic in factories.issue(count=2)]
    content = csv_bytes([[code, name, "", "", ""] for code, name in zip(free, variants)])

    assert new_names(dry_run(admin, content))[0] == sorted(v for v in variants if not same[v])
    assert run(admin, content).applied

    count = companys.count()
    after = state(free)
    for code, variant in zip(free, variants, strict=True):
        picked = get_or_create_customer(admin, variant)
        assert after[code]["customer"] == picked.name
    assert companys.count() == count  # single registration found every one of them
    assert count == len(existing) + sum(not found for found in same.values())


def test_the_api_imports_existing_non_ascii_names_without_failing(api, world):
    for name in NAMES:
        factories.customer(world.org, name)
        LicenseGroup.objects.create(organization=world.org, name=name)
    free = [lic.code for lic in factories.issue(count=3)]
    content = csv_bytes(rows(free, NAMES))
    client = api(world.license_admin)

    r = client.generic("POST", URL + "?dry_run=false", content, content_type="text/csv")

    assert r.status_code == 200, r.content
    assert (r.json()["applied"], r.json()["registered"]) == (True, 3)
    assert [state(free)[code]["customer"] for code in free] == NAMES
    assert Customer.objects.filter(organization=world.org).count() == len(NAMES)


def test_an_import_that_fails_gives_the_codes_budget_back(api, world, monkeypatch):
    monkeypatch.setattr(services, "FAILED_CODES", services.ratelimit.Limit(3, 3600))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(applying, "apply", broken)
    free = [lic.code for lic in factories.issue(count=3)]
    client = api(world.license_admin)
    content = csv_bytes([[code, "", "", "", ""] for code in free])

    r = client.generic("POST", URL + "?dry_run=false", content, content_type="text/csv")

    assert r.status_code == 500

    # Nothing was imported nor said about the codes: the budget is whole again.
    assert dry_run(world.license_admin, content).summary()["registered"] == 3
