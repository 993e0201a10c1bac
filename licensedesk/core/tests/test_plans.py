"""generic_plans() switches PostgreSQL to generic plans for a block and back afterwards,
also when the block fails, so no later request on the connection inherits it;
generic_plans_until_commit() does it for the rest of a transaction (bulk inserts)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

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


def test_a_bulk_insert_plans_generically_until_its_transaction_ends(transactional_db):
    needs_postgresql()
    with transaction.atomic():
        plans.generic_plans_until_commit()
        assert plan_cache_mode() == "force_generic_plan"
    assert plan_cache_mode() == "force_custom_plan"
    plans.generic_plans_until_commit()  # outside a transaction: nothing to change
    assert plan_cache_mode() == "force_custom_plan"


def test_a_new_group_checks_its_memberships_foreign_keys_with_generic_plans(transactional_db):
    # PostgreSQL checks the 10,000 foreign keys of a 10,000-license group at COMMIT with
    # prepared plans; planned again for each row they tripled the time of the COMMIT.
    needs_postgresql()
    from conftest import make_user
    from licensedesk.accounts.models import Organization, Role
    from licensedesk.groups import services
    from licensedesk.licenses.tests import factories

    org = Organization.objects.create(name="Northwind Security", slug="northwind")
    admin = make_user(org, "lars@northwind.example", Role.LICENSE_ADMIN)
    licenses = [factories.registered(org) for _ in range(3)]
    with CaptureQueriesContext(connection) as ctx:
        group = services.create_group(admin, name="North", license_ids=[x.pk for x in licenses])
    statements = [q["sql"] for q in ctx.captured_queries]
    [mode] = [i for i, sql in enumerate(statements) if "plan_cache_mode" in sql]
    [insert] = [
        i for i, sql in enumerate(statements) if "INSERT INTO license_groups_membership" in sql
    ]
    assert mode < insert
    assert group.memberships.count() == 3
    assert plan_cache_mode() == "force_custom_plan"  # gone with the transaction


def test_a_large_activation_checks_its_devices_foreign_keys_with_generic_plans(
    transactional_db,
):
    needs_postgresql()
    from conftest import make_user
    from licensedesk.accounts.models import Organization, Role
    from licensedesk.activation import services
    from licensedesk.activation.tests.factories import activatable, lrq

    org = Organization.objects.create(name="Northwind Security", slug="northwind")
    admin = make_user(org, "lars@northwind.example", Role.LICENSE_ADMIN)
    lic = activatable(org, devices=500)
    with CaptureQueriesContext(connection) as ctx:
        activation, _ = services.activate(admin, lic, lrq(lic.code, services.MANY_DEVICES))
    statements = [q["sql"] for q in ctx.captured_queries]
    assert any("SET LOCAL plan_cache_mode" in sql for sql in statements)
    assert activation.installation.devices.count() == services.MANY_DEVICES
    assert plan_cache_mode() == "force_custom_plan"
