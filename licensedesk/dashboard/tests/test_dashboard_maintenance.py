"""A technician's maintenance window on the Dashboard: the installations whose alerts are
paused now, and until when, for those who may see them; a window planned for later or over
already is not "in maintenance"."""

from datetime import timedelta

from django.utils import timezone

from licensedesk.dashboard.overview import dashboard_for
from licensedesk.monitoring.models import Maintenance


def pause(installation, *, starts_in=timedelta(0), lasts=timedelta(hours=1)):
    starts = timezone.now() + starts_in
    return Maintenance.objects.create(
        installation=installation, starts_at=starts, ends_at=starts + lasts
    )


def paused(user) -> list:
    return [i.hostname for i in dashboard_for(user).installations["paused"]]


def test_the_dashboard_lists_installations_in_maintenance_with_their_end(
    login, world, ours, theirs
):
    critical, offline, attention = ours.installations[:3]
    window = pause(critical)
    pause(offline, starts_in=timedelta(days=1))  # planned, not on yet
    pause(attention, starts_in=-timedelta(hours=3), lasts=timedelta(hours=1))  # over
    pause(theirs.installations[0])  # another company's

    assert paused(world.license_admin) == [critical.hostname]
    page = login(world.license_admin).get("/").content.decode()
    assert "In maintenance (alerts paused)" in page
    assert f"until {window.ends_at:%Y-%m-%d %H:%M} UTC" in page
    # the worst list says so beside the Critical installation too
    worst = dashboard_for(world.license_admin).installations["worst"]
    assert [i.paused_until for i in worst if i.pk == critical.pk] == [window.ends_at]


def test_a_license_user_sees_the_maintenance_of_granted_licenses_only(world, ours):
    critical, offline = ours.installations[:2]  # granted: the first license, not the second
    pause(critical)
    pause(offline)
    assert paused(world.license_user) == [critical.hostname]


def test_no_maintenance_no_section(login, world, ours):
    assert paused(world.license_admin) == []
    assert "In maintenance" not in login(world.license_admin).get("/").content.decode()
