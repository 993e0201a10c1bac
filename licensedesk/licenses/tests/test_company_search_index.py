"""A company's search looks its words up among its own licenses: on PostgreSQL the search
document's trigram index also holds each license's company (licenses 0007), and the
visibility rule compares the company as the bigint the index holds. On both databases the
search finds the same licenses of the company only."""

import pytest
from django.db import connection

from licensedesk import access
from licensedesk.core.testing import needs_postgresql
from licensedesk.licenses.queries import find_licenses
from licensedesk.licenses.tests import factories


@pytest.fixture
def quays(world):
    ours = [factories.registered(world.org, description=f"Quay camera {n}") for n in range(3)]
    factories.registered(world.other_org, description="Quay camera of Contoso")
    return ours


@pytest.mark.parametrize("who", ["license_admin", "license_user", "outsider"])
def test_a_search_finds_the_company_s_licenses_only(world, quays, who):
    factories.registered(
        world.org, description="Quay camera, granted", grant_to=[world.license_user]
    )
    user = getattr(world, who)
    found = set(find_licenses(user, {"search": "quay camera"}).values_list("pk", flat=True))
    assert found == set(access.licenses_visible_to(user).values_list("pk", flat=True))
    assert len(found) == {"license_admin": 4, "license_user": 1, "outsider": 1}[who]


def test_postgresql_looks_the_words_up_by_company_in_one_index(world, quays):
    needs_postgresql("the company's search index is PostgreSQL's")
    query = find_licenses(world.license_admin, {"search": "quay camera"}).values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # Only the search index is left to the plan (dropped inside the test's transaction,
        # which is rolled back): the company is among its conditions only if the rule
        # compares it as the bigint the index holds.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'licenses_license' "
            "AND indexname <> 'license_company_search_trgm' AND indexdef NOT LIKE '%%UNIQUE%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0].strip() for row in cursor.fetchall()]
    scan = next(n for n, line in enumerate(plan) if "license_company_search_trgm" in line)
    assert "organization_id" in plan[scan + 1] and "search_document" in plan[scan + 1]
