"""The Installations page lists each installation in one row: state, host, customer,
license, version, last report and why, every value escaped."""

from datetime import timedelta

from django.utils import timezone

from licensedesk.licenses.tests import factories
from licensedesk.monitoring.models import Health, State
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
    assert f'<a href="/installations/{inst.pk}/">vms&lt;01&gt;</a>' in html
    assert "<td>Harbour &lt;Hotel&gt;</td>" in html
    assert f'<a href="/licenses/{lic.code}/"><code>{lic.code}</code></a>' in html
    assert "<td>25.1 &amp; more</td>" in html
    assert '<td class="nowrap">3\xa0minutes ago</td>' in html
    assert "Recording Server 1 is &lt;down&gt;; " + "x" * 80 in html and "x" * 200 not in html
    # an installation without monitoring
    assert f'<a href="/installations/{quiet.pk}/">quiet-host</a>' in html
    assert '<span class="badge muted">Not monitored</span>' in html
    assert "<td>Unspecified</td>" in html and '<td class="nowrap">—</td>' in html


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
