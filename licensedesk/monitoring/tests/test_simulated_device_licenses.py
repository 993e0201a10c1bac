"""The reference client's `grace` and `swaps` scenarios: reports the server accepts, in which
devices enter grace and its end comes nearer until they stop recording, or the changes
without activation run out; stored, they fire the alerts a partner should see."""

from datetime import timedelta

from django.utils import timezone

from licensedesk.monitoring import grace
from licensedesk.monitoring.models import Health
from licensedesk.monitoring.reports import StatusReport
from licensedesk.monitoring.tests.helpers import ingest, monitored
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.tests.helpers import profile
from licensedesk_client.monitor import Simulator


def reports(kind: str, n: int) -> list[dict]:
    simulator = Simulator(kind, seed=1)
    return [simulator.report() for _ in range(n)]


def test_the_grace_scenario_nears_the_end_a_day_per_report_then_stops(db):
    found = [StatusReport.model_validate(r).licenses for r in reports("grace", 12)]
    assert found[0].in_grace == 0
    ahead = [(f.grace_ends_at - timezone.now()).days for f in found[1:10]]
    assert ahead == [8, 7, 6, 5, 4, 3, 2, 1, 0]
    assert (found[10].in_grace, found[10].grace_expired) == (0, 4)


def test_the_swaps_scenario_uses_up_the_changes(db):
    found = [StatusReport.model_validate(r).licenses for r in reports("swaps", 7)]
    used = [f.changes_without_activation.used for f in found]
    assert used == [0, 1, 2, 3, 4, 5, 5]
    assert all(f.changes_without_activation.allowed == 5 for f in found)


def test_the_other_scenarios_leave_licenses_out():
    assert all("licenses" not in r for r in reports("healthy", 2) + reports("dying", 2))


def test_a_simulated_grace_period_alerts_at_7_and_1_days_then_expired(world, run_jobs):
    profile(
        world.license_admin,
        "Ops",
        events=[events.GRACE_ENDING, events.GRACE_EXPIRED],
        extra_emails=["ops@northwind.example"],
    )
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)
    now = timezone.now()
    for step, report in enumerate(reports("grace", 12)):
        at = now + timedelta(minutes=step)
        ingest(health, StatusReport.model_validate(report), now=at)
        grace.send_grace_alerts(at)
    run_jobs()
    assert list(Delivery.objects.order_by("pk").values_list("event", flat=True)) == [
        events.GRACE_ENDING,
        events.GRACE_ENDING,
        events.GRACE_EXPIRED,
    ]
