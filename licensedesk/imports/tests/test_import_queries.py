"""No query per row: checking and importing a file costs the same number of queries for one
row as for many (they are looked up in bulk), and so does its preview page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensedesk.groups.models import LicenseGroup
from licensedesk.imports.tests.helpers import csv_bytes, dry_run, run
from licensedesk.licenses.tests import factories


def rows_for(world, count: int, customer: str = "Customer") -> list:
    free = factories.issue(count=count)
    free = free if isinstance(free, list) else [free]
    ours = [factories.registered(world.org, description="Before") for _ in range(count)]
    return [
        [lic.code, f"{customer} {i % 3}", "New", "North; South", world.license_user.email]
        for i, lic in enumerate(free + ours)
    ]


def queries(work) -> int:
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured)


def test_a_dry_run_costs_the_same_queries_for_one_row_and_for_many(world):
    LicenseGroup.objects.create(organization=world.org, name="North")
    dry_run(world.license_admin, csv_bytes(rows_for(world, 1)))  # the rate limit's bucket
    one, many = csv_bytes(rows_for(world, 1)), csv_bytes(rows_for(world, 40))
    assert queries(lambda: dry_run(world.license_admin, one)) == queries(
        lambda: dry_run(world.license_admin, many)
    )


def test_an_import_costs_the_same_queries_for_one_row_and_for_many(world):
    LicenseGroup.objects.create(organization=world.org, name="North")
    run(world.license_admin, csv_bytes(rows_for(world, 1, "Warm-up")))  # creates South
    one = csv_bytes(rows_for(world, 1, "First"))
    # 2 × 20 licenses: within one batch of SQLite's upsert (999 parameters, 20 a license).
    many = csv_bytes(rows_for(world, 20, "Second"))
    assert queries(lambda: run(world.license_admin, one)) == queries(
        lambda: run(world.license_admin, many)
    )


def test_the_preview_page_costs_the_same_queries_for_one_row_and_for_many(login, world):
    from licensedesk.imports.tests.test_import_pages import uploaded

    client = login(world.license_admin)
    small = uploaded(client, csv_bytes(rows_for(world, 1)))
    large = uploaded(client, csv_bytes(rows_for(world, 40)))
    assert queries(lambda: client.get(f"/licenses/import/{small.pk}/")) == queries(
        lambda: client.get(f"/licenses/import/{large.pk}/")
    )
