"""Care reminders in time: the scan runs on a given day and fires each lead time once per Care
period, for the licenses the reminder's owner may see."""

from datetime import date, timedelta

import pytest

from licensedesk import access
from licensedesk.care import services
from licensedesk.care.models import CareFiring
from licensedesk.care.scan import CATCH_UP_DAYS, scan
from licensedesk.groups.tests.factories import group
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.tests.helpers import reminder

ENDS = date(2026, 6, 30)


def day(before: int) -> date:
    return ENDS - timedelta(days=before)


def fired(on: date) -> list[tuple]:
    """Scan on `on`; the (license id, lead days) that this scan fired."""
    before = set(CareFiring.objects.values_list("pk", flat=True))
    result = scan(today=on)
    new = CareFiring.objects.exclude(pk__in=before).values_list("license_id", "lead_days")
    assert result["fired"] == len(new)
    return sorted(new)


def items_sent_to(email) -> list[tuple]:
    return sorted(
        (i["license_id"], i["lead_days"])
        for d in Delivery.objects.filter(recipient=email)
        for i in d.payload["items"]
    )


@pytest.fixture
def lic(world):
    return registered(world.org, care_ends_on=ENDS, grant_to=[world.license_user])


@pytest.mark.parametrize("lead", [90, 30, 7, 0])
def test_each_standard_lead_time_fires_on_its_day(world, lic, lead):
    reminder(world.license_admin)
    assert fired(day(lead + 1)) == []
    assert fired(day(lead)) == [(lic.pk, lead)]
    assert items_sent_to(world.license_admin.email) == [(lic.pk, lead)]


def test_a_custom_lead_time_fires_on_its_day(world, lic):
    reminder(world.license_admin, lead_times=[45])
    assert fired(day(46)) == []
    assert fired(day(45)) == [(lic.pk, 45)]
    assert fired(day(30)) == []  # 30 was not asked for


def test_it_fires_each_lead_time_once_per_period(world, lic):
    reminder(world.license_admin)
    assert fired(day(7)) == [(lic.pk, 7)]
    assert fired(day(7)) == []  # the same day again
    for before in range(6, 0, -1):  # and every following day until the next lead time
        assert fired(day(before)) == []
    assert fired(day(0)) == [(lic.pk, 0)]
    assert Delivery.objects.count() == 2


def test_a_missed_day_is_caught_up_within_the_window(world, lic):
    reminder(world.license_admin, lead_times=[30])
    assert fired(day(30 - CATCH_UP_DAYS)) == [(lic.pk, 30)]  # the worker was down 3 days


def test_a_lead_time_missed_for_too_long_is_not_sent_late(world, lic):
    reminder(world.license_admin, lead_times=[30])
    assert fired(day(30 - CATCH_UP_DAYS - 1)) == []


def test_a_renewal_is_a_new_period_and_fires_again(world, lic):
    reminder(world.license_admin, lead_times=[30])
    assert fired(day(30)) == [(lic.pk, 30)]
    services.add_period(lic, "Plus", date(2027, 6, 30), starts_on=date(2026, 7, 1))
    assert fired(day(29)) == []  # renewed: nothing is due now
    assert fired(date(2027, 5, 31)) == [(lic.pk, 30)]
    assert CareFiring.objects.filter(license=lic).count() == 2


def test_a_muted_reminder_fires_nothing(world, lic):
    reminder(world.license_admin, muted=True)
    assert fired(day(90)) == []


def test_a_license_scope_covers_that_license_only(world, lic):
    other = registered(world.org, care_ends_on=ENDS)
    reminder(world.license_admin, scope="license", slc=lic.code)
    assert fired(day(90)) == [(lic.pk, 90)]
    assert other.pk not in [lid for lid, _ in items_sent_to(world.license_admin.email)]


def test_a_group_scope_covers_the_group_members_only(world, lic):
    outside = registered(world.org, care_ends_on=ENDS)
    grp = group(world.org, "Harbour sites", licenses=[lic])
    reminder(world.license_admin, scope="group", group_id=grp.pk)
    assert fired(day(90)) == [(lic.pk, 90)]
    assert outside.pk not in [lid for lid, _ in items_sent_to(world.license_admin.email)]


def test_an_all_scope_covers_every_license_of_the_company(world, lic):
    second = registered(world.org, care_ends_on=ENDS)
    registered(world.other_org, care_ends_on=ENDS)
    reminder(world.license_admin)
    assert fired(day(90)) == sorted([(lic.pk, 90), (second.pk, 90)])


def test_a_license_users_reminder_never_covers_licenses_not_granted_to_them(world, lic):
    hidden = registered(world.org, care_ends_on=ENDS)
    grp = group(world.org, "Harbour sites", licenses=[lic, hidden])
    reminder(world.license_user)
    reminder(world.license_user, scope="group", group_id=grp.pk, lead_times=[45])
    assert fired(day(90)) == [(lic.pk, 90)]
    assert fired(day(45)) == [(lic.pk, 45)]
    assert hidden.pk not in [lid for lid, _ in items_sent_to(world.license_user.email)]


def test_a_revoked_grant_stops_the_reminder(world, lic):
    reminder(world.license_user, scope="license", slc=lic.code)
    LicenseGrant.objects.filter(license=lic, user=world.license_user).delete()
    assert fired(day(90)) == []


def test_extra_addresses_hear_only_what_the_owner_may_see(world, lic):
    registered(world.org, care_ends_on=ENDS)  # not granted to the License User
    reminder(world.license_user, notify_me=False, extra_emails=["boss@northwind.example"])
    scan(today=day(90))
    assert items_sent_to("boss@northwind.example") == [(lic.pk, 90)]
    assert not Delivery.objects.filter(recipient=world.license_user.email).exists()


def test_a_deactivated_owner_is_reminded_of_nothing(world, lic):
    reminder(world.license_admin)
    world.license_admin.is_active = False
    world.license_admin.save()
    assert fired(day(90)) == []


def test_nothing_about_another_company_is_ever_sent(world, lic):
    registered(world.other_org, care_ends_on=ENDS)
    reminder(world.outsider)
    reminder(world.license_admin)
    scan(today=day(90))
    assert items_sent_to(world.license_admin.email) == [(lic.pk, 90)]
    theirs = items_sent_to(world.outsider.email)
    assert len(theirs) == 1 and theirs[0][0] != lic.pk


def test_one_digest_per_recipient_and_day(world, lic):
    second = registered(world.org, care_ends_on=ENDS)
    reminder(world.license_admin)
    scan(today=day(90))
    sent = Delivery.objects.get(recipient=world.license_admin.email)
    assert sorted(i["license_id"] for i in sent.payload["items"]) == sorted([lic.pk, second.pk])


USERS = ["company_admin", "license_admin", "license_user", "no_role", "outsider", "outsider_user"]


@pytest.mark.parametrize("who", USERS)
def test_the_scan_s_rule_for_a_user_at_a_path_is_the_rule_of_licenses_visible_to(world, who):
    user = getattr(world, who)
    licenses = [
        registered(world.org, grant_to=[world.license_user]),
        registered(world.org),
        registered(world.other_org, grant_to=[world.outsider_user]),
    ]
    for lic in licenses:
        expected = access.licenses_visible_to(user).filter(pk=lic.pk).exists()
        # The user reached from the license, as the scan reaches a reminder's owner.
        at_path = License.objects.filter(
            access.license_visible_q("organization__users"), organization__users=user, pk=lic.pk
        )
        assert at_path.exists() == expected, (who, lic.code)
