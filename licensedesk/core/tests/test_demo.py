"""`licensedesk demo` shows the whole product: licenses, Care, notifications, and
installations in every monitoring state, and stays so when run again or watched."""

from io import StringIO

import pytest
from django.core.management import call_command

from licensedesk.care.models import CareReminder
from licensedesk.licenses.models import License
from licensedesk.monitoring import alerts, offline
from licensedesk.monitoring.models import Health, State
from licensedesk.notifications.models import NotificationProfile


def demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_has_installations_in_every_state_licenses_and_notifications():
    printed = demo()
    assert set(Health.objects.values_list("state", flat=True)) == set(State.values)
    assert License.objects.filter(organization__slug="northwind").count() >= 12
    assert License.objects.filter(organization__slug="contoso").count() >= 12
    assert CareReminder.objects.exists() and NotificationProfile.objects.exists()
    unregistered = License.objects.filter(organization__isnull=True).values_list("code", flat=True)
    assert any(code in printed for code in unregistered)  # codes to try registering


@pytest.mark.django_db
def test_running_the_demo_again_adds_nothing_and_the_worker_keeps_its_states():
    demo()
    counts = (License.objects.count(), Health.objects.count(), CareReminder.objects.count())
    demo()
    assert (License.objects.count(), Health.objects.count(), CareReminder.objects.count()) == counts
    states = sorted(Health.objects.values_list("state", flat=True))
    offline.detect_offline()
    alerts.send_alerts()
    assert sorted(Health.objects.values_list("state", flat=True)) == states


@pytest.mark.django_db
def test_the_demo_has_devices_in_grace_ending_in_3_days_and_one_whose_grace_expired(run_jobs):
    from datetime import timedelta

    from django.utils import timezone

    from licensedesk.monitoring import grace
    from licensedesk.notifications.models import Delivery

    demo()
    parking = Health.objects.get(hostname="vms-parking-07")
    left = parking.grace_ends_at - timezone.now()
    assert parking.devices_in_grace == 4 and timedelta(days=2.9) < left <= timedelta(days=3)
    warehouse = Health.objects.get(hostname="vms-warehouse-08")
    assert warehouse.devices_grace_expired == 6 and warehouse.changes_used == 10
    # the worker tells the demo profile: grace ending, grace expired, no changes left
    assert grace.send_grace_alerts() == 3
    run_jobs()
    assert {"grace_ending", "grace_expired", "changes_used_up"} <= set(
        Delivery.objects.values_list("event", flat=True)
    )
