"""The Installations page lists each installation in one row: state, host, customer,
license, version, last report and why, every value escaped."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensedesk.licenses.tests import factories
from licensedesk.monitoring import views
from licensedesk.monitoring.models import Health, Installation, State
from licensedesk.monitoring.queries import find_installations
from licensedesk.monitoring.tests.helpers import installation, monitored


def test_a_row_shows_and_escapes_what_the_installation_reported(login, world):
    cust = factories.customer(world.org, name="Harbour <Hotel>")
    lic = factories.registered(world.org, cust=cust)
    inst, _ = monitored(world.org, world.license_admin, lic=lic, hostname="fallback-host")
    Health.objects.filter(installation=inst).update(
        state=State.CRITICAL,
        hostname="vms<01>",
        product_version="25.1 & more",
        last_report_at=timezone.now() - timedelta(minutes=3),
        reasons=["Recording Server 1 is <down>", "x" * 200],
    )
    quiet = installation(world.org, hostname="quiet-host")

    html = login(world.license_admin).get("/installations/").content.decode()

    assert '<span class="badge state critical">Critical</span>' in html
    # the name the partner knows, with the host it reports as beside it
    assert f'<a href="/installations/{inst.pk}/">fallback-host</a>' in html
    assert '<small class="muted">reports as vms&lt;01&gt;</small>' in html
    assert '<td data-label="Customer">Harbour &lt;Hotel&gt;</td>' in html
    assert f'<a href="/licenses/{lic.code}/"><code>{lic.code}</code></a>' in html
    assert '<td data-label="Version">25.1 &amp; more</td>' in html
    assert '<td class="nowrap" data-label="Last report">3\xa0minutes ago</td>' in html
    assert "Recording Server 1 is &lt;down&gt;; " + "x" * 80 in html and "x" * 200 not in html
    # an installation without monitoring
    assert f'<a href="/installations/{quiet.pk}/">quiet-host</a>' in html
    assert '<span class="badge muted">Not monitored</span>' in html
    assert '<td data-label="Customer">Unspecified</td>' in html
    assert '<td class="nowrap" data-label="Last report">—</td>' in html


def test_the_state_cards_count_the_installations_in_each_state(login, world):
    for state in (State.CRITICAL, State.CRITICAL, State.HEALTHY):
        inst, _ = monitored(world.org, world.license_admin)
        Health.objects.filter(installation=inst).update(state=state)
    monitored(world.outsider_user.organization, world.outsider)  # another company's

    html = login(world.license_admin).get("/installations/").content.decode()

    def card(state, n):
        return f'href="?state={state}"><span class="num">{n}</span>'

    assert card("critical", 2) in html and card("healthy", 1) in html
    assert card("offline", 0) in html and card("pending", 0) in html


def _cards(html) -> dict:
    return dict(re.findall(r'href="\?state=(\w+)"><span class="num">(\d+)</span>', html))


def _three_critical_two_healthy_one_quiet(world):
    """Each on a license of its own customer, as a row shows them."""
    states = (State.CRITICAL, State.CRITICAL, State.CRITICAL, State.HEALTHY, State.HEALTHY)
    for n, state in enumerate(states):
        lic = factories.registered(world.org, cust=factories.customer(world.org, f"Site {n}"))
        inst, _ = monitored(world.org, world.license_admin, lic=lic, hostname=f"vms{n}")
        Health.objects.filter(installation=inst).update(state=state)
    lic = factories.registered(world.org, cust=factories.customer(world.org, "Quiet site"))
    installation(world.org, hostname="quiet-host", lic=lic)
    monitored(world.outsider_user.organization, world.outsider)  # another company's


def test_walking_the_pages_lists_each_installation_once_worst_first(login, world, monkeypatch):
    _three_critical_two_healthy_one_quiet(world)
    monkeypatch.setattr(views, "PER_PAGE", 2)
    client = login(world.license_admin)
    pages = []
    for number in (1, 2, 3):
        response = client.get(f"/installations/?page={number}")
        cards = _cards(response.content.decode())
        assert (cards["critical"], cards["healthy"], cards["pending"]) == ("3", "2", "0")
        assert response.context["page"].paginator.count == 6
        pages.append([i.pk for i in response.context["page"]])
    walked = [pk for page in pages for pk in page]
    listed = find_installations(world.license_admin, {}).values_list("pk", flat=True)
    assert walked == list(listed)  # worst first, each once, as the query sorts them
    assert Installation.objects.get(pk=walked[-1]).hostname == "quiet-host"  # unmonitored last


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "?state=critical", "?search=vms"])
def test_the_page_costs_the_same_queries_whatever_its_size(login, world, monkeypatch, query):
    _three_critical_two_healthy_one_quiet(world)
    client = login(world.license_admin)
    client.get("/installations/")  # the session's first request makes a few of its own
    counted = []
    for size in (1, 6):
        monkeypatch.setattr(views, "PER_PAGE", size)
        counted.append(_queries(client, f"/installations/{query}"))
    assert counted[0] == counted[1]


def test_the_api_list_costs_the_same_queries_whatever_its_size(api, world):
    _three_critical_two_healthy_one_quiet(world)
    client = api(world.license_admin)
    client.get("/api/v1/installations")
    assert _queries(client, "/api/v1/installations?limit=1") == _queries(
        client, "/api/v1/installations?limit=6"
    )


def test_a_page_past_the_end_shows_the_last_page_and_the_same_cards(login, world, monkeypatch):
    _three_critical_two_healthy_one_quiet(world)
    monkeypatch.setattr(views, "PER_PAGE", 4)
    response = login(world.license_admin).get("/installations/?page=9")
    assert response.context["page"].number == 2
    assert len(response.context["page"]) == 2
    cards = _cards(response.content.decode())
    assert (cards["critical"], cards["healthy"]) == ("3", "2")


def test_a_filtered_page_lists_its_matches_and_its_cards_still_count_everything(login, world):
    _three_critical_two_healthy_one_quiet(world)
    response = login(world.license_admin).get("/installations/?state=healthy")
    assert {i.health.state for i in response.context["page"]} == {State.HEALTHY}
    assert response.context["page"].paginator.count == 2
    cards = _cards(response.content.decode())
    assert (cards["critical"], cards["healthy"]) == ("3", "2")
