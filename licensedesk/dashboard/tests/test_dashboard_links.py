"""Every number on the Dashboard leads to the list behind it, and that list shows as many
rows as the number said."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from licensedesk.accounts.models import Role
from licensedesk.dashboard.overview import dashboard_for
from licensedesk.dashboard.tests.conftest import add_installation, add_license
from licensedesk.monitoring.models import State


def figures(board):
    """(name, Figure) of every linked number."""
    found = [(k, board.licenses[k]) for k in ("registered", "unspecified", "this_month")]
    found += [
        (f"{tier}_{k}", board.care[f"{tier}_{k}"])
        for tier in ("plus", "premium")
        for k in ("ending_30", "ending_90", "ended_90")
    ]
    found += list(board.installations["states"].items())
    found += list(board.people.items())
    return found


def listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.mark.parametrize("role", ["company_admin", "license_user"])
def test_each_list_counts_what_its_tile_said(world, backoffice, ours, theirs, invited, role):
    world.org.require_2fa_for_admins = True  # so that the company admin's 2FA tile shows
    world.org.save()
    make_user(world.org, "otto@northwind.example", Role.LICENSE_ADMIN, company_admin=True)
    user = getattr(world, role)
    client = backoffice(user)  # with her second factor passed
    board = dashboard_for(user)
    assert ("no_2fa" in board.people) == (role == "company_admin")
    for name, figure in figures(board):
        assert listed(client, figure.url) == figure.count, name


def test_the_device_licenses_link_lists_every_license_most_devices_first(world, login, ours):
    board = dashboard_for(world.license_admin)
    response = login(world.license_admin).get(board.licenses["devices"].url)
    rows = list(response.context["page"])
    assert response.context["page"].paginator.count == board.licenses["registered"].count
    assert rows[0].device_licenses == 20


def test_the_care_ended_list_says_which_dates_it_shows(world, login, ours):
    url = dashboard_for(world.license_admin).care["premium_ended_90"].url
    page = login(world.license_admin).get(url).content.decode()
    assert "Only licenses whose Care Premium ends on or after" in page


def test_the_dashboard_asks_the_same_number_of_queries_for_3_or_30_of_everything(
    world, login, invited
):
    client = login(world.company_admin)
    client.get("/")  # the session's first write

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    def add(count):
        states = [State.CRITICAL, State.OFFLINE, State.ATTENTION, State.PENDING, None]
        for n in range(count):
            lic = add_license(world.org, care_in_days=n - 5, premium_in_days=n - 3)
            add_installation(lic, states[n % len(states)], f"vms{n}")

    add(3)
    few = queries()
    add(27)
    assert queries() == few
