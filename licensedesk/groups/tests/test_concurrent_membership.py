"""Concurrent changes of one group's membership never lose an addition (PostgreSQL)."""

import pytest

from licensedesk.core.testing import needs_postgresql, race
from licensedesk.groups import services
from licensedesk.groups.tests.factories import group, members, registered

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_additions_are_all_kept(world):
    needs_postgresql("needs PostgreSQL: SQLite serialises writers itself")
    grp = group(world.org, "Busy", by=world.license_admin)
    licenses = [registered(world.org) for _ in range(THREADS)]

    results = race(
        lambda i: services.add_licenses(world.license_admin, grp, ids=[licenses[i].pk]), THREADS
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert members(grp) == {lic.code for lic in licenses}
