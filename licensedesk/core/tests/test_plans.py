"""Plan modes on PostgreSQL. The online activation of installations runs with generic plans
from the start of its request (its token's lookup included), and the mode stays on the
connection for the next such request, which costs no statement to set it; any other request
gets custom plans back first. generic_plans_until_commit() plans generically for the rest of a
transaction (bulk inserts)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from licensedesk.activation.tests.factories import activatable, lrq
from licensedesk.core import plans
from licensedesk.core.testing import needs_postgresql


def plan_cache_mode():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.fixture
def postgresql(transactional_db):
    # Requests run outside transactions, as they do when served (no test transaction around).
    needs_postgresql("plan modes are PostgreSQL's")


@pytest.fixture(autouse=True)
def _signing_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(tmp_path / "keys.json"))


def _activate(client, lic, devices=2):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            f"/api/v1/licenses/{lic.code}/activations",
            lrq(lic.code, devices),
            content_type="application/xml",
        )
    assert response.status_code == 201, response.content
    return [q["sql"] for q in ctx.captured_queries]


def _mode_statements(statements):
    return [sql for sql in statements if "plan_cache_mode" in sql]


def test_an_online_activation_plans_generically_from_its_token_lookup_on(postgresql, world, api):
    lic = activatable(world.org, devices=10)
    client = api(world.license_admin)
    statements = _activate(client, lic)
    assert statements[0] == "SET plan_cache_mode = force_generic_plan"
    assert "accounts_personalaccesstoken" in statements[1]  # the token's lookup comes next
    assert plan_cache_mode() == "force_generic_plan"  # kept for the next one


def test_the_next_activation_on_the_connection_costs_no_statement_for_its_plans(
    postgresql, world, api
):
    lic = activatable(world.org, devices=10)
    client = api(world.license_admin)
    _activate(client, lic)
    assert _mode_statements(_activate(client, lic)) == []
    assert plan_cache_mode() == "force_generic_plan"


def test_any_other_request_gets_custom_plans_back_first(postgresql, world, api):
    lic = activatable(world.org, devices=10)
    client = api(world.license_admin)
    _activate(client, lic)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/licenses").status_code == 200
    assert ctx.captured_queries[0]["sql"] == "RESET plan_cache_mode"
    assert plan_cache_mode() == "force_custom_plan"
    with CaptureQueriesContext(connection) as ctx:  # and stays so: nothing more to do
        assert client.get("/api/v1/licenses").status_code == 200
    assert _mode_statements([q["sql"] for q in ctx.captured_queries]) == []


def test_a_failed_activation_leaves_no_wrong_mode_behind(postgresql, world, api):
    lic = activatable(world.org, devices=10)
    client = api(world.license_admin)
    response = client.post(
        f"/api/v1/licenses/{lic.code}/activations", b"<nope", content_type="application/xml"
    )
    assert response.status_code == 400
    client.get("/api/v1/licenses")
    assert plan_cache_mode() == "force_custom_plan"


def test_a_new_connection_is_put_in_generic_mode_again(postgresql, world, api):
    lic = activatable(world.org, devices=10)
    client = api(world.license_admin)
    _activate(client, lic)
    connection.close()  # a new connection starts with custom plans, whatever came before
    assert _mode_statements(_activate(client, lic)) == ["SET plan_cache_mode = force_generic_plan"]
    assert plan_cache_mode() == "force_generic_plan"


def test_a_request_for_custom_plans_opens_no_connection(postgresql):
    connection.close()
    plans.plan_generically(False)
    assert connection.connection is None


def test_a_mode_set_in_a_rolled_back_transaction_is_forgotten(postgresql, world, api):
    # Requests run outside transactions; a test's run inside its transaction, which is
    # rolled back, and each test starts by forgetting what was set in it (conftest.py).
    lic = activatable(world.org, devices=10)
    client = api(world.license_admin)
    client.get("/api/v1/licenses")
    assert plan_cache_mode() == "force_custom_plan"
    with pytest.raises(RuntimeError), transaction.atomic():
        _activate(client, lic)
        assert plan_cache_mode() == "force_generic_plan"
        raise RuntimeError("rolled back")
    assert plan_cache_mode() == "force_custom_plan"
    plans.forget_rolled_back_plan_mode()
    assert _mode_statements(_activate(client, lic)) == ["SET plan_cache_mode = force_generic_plan"]
    assert plan_cache_mode() == "force_generic_plan"


def test_only_the_registered_method_and_whole_path_plan_generically():
    assert plans.wants_generic_plans("POST", "/api/v1/licenses/M01-C01-251-01-7K3QF9/activations")
    assert not plans.wants_generic_plans(
        "GET", "/api/v1/licenses/M01-C01-251-01-7K3QF9/activations"
    )
    assert not plans.wants_generic_plans(
        "POST", "/api/v1/licenses/M01-C01-251-01-7K3QF9/activations/extra"
    )
    assert not plans.wants_generic_plans("POST", "/api/v1/licenses")


def test_a_bulk_insert_plans_generically_until_its_transaction_ends(transactional_db):
    needs_postgresql("plan modes are PostgreSQL's")
    with transaction.atomic():
        plans.generic_plans_until_commit()
        assert plan_cache_mode() == "force_generic_plan"
    assert plan_cache_mode() == "force_custom_plan"
    plans.generic_plans_until_commit()  # outside a transaction: nothing to change
    assert plan_cache_mode() == "force_custom_plan"


def test_a_large_activation_checks_its_devices_foreign_keys_with_generic_plans(
    transactional_db,
):
    needs_postgresql("plan modes are PostgreSQL's")
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
