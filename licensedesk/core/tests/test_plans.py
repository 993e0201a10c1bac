"""generic_plans() switches PostgreSQL to generic plans for a block and back afterwards,
also when the block fails, so no later request on the connection inherits it."""

import pytest
from django.db import connection

from licensedesk.core import plans
from licensedesk.core.testing import needs_postgresql


def plan_cache_mode():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.fixture
def postgresql(db):
    needs_postgresql()


def test_the_block_runs_with_generic_plans_and_the_connection_gets_its_mode_back(postgresql):
    before = plan_cache_mode()
    with plans.generic_plans():
        assert plan_cache_mode() == "force_generic_plan"
    assert plan_cache_mode() == before == "force_custom_plan"


def test_a_failing_block_gives_the_mode_back_too(postgresql):
    with pytest.raises(ValueError), plans.generic_plans():
        raise ValueError
    assert plan_cache_mode() == "force_custom_plan"
