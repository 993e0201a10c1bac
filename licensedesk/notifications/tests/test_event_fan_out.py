"""Events fan out to the profiles subscribed to them: a license registered, devices activated,
an activation refused. The fan-out is a job queued in the change's own transaction."""

import uuid
from datetime import UTC, datetime

import pytest
from django.core import mail

from licensedesk.activation import services as activation
from licensedesk.groups.tests.factories import group
from licensedesk.licenses import services as licenses
from licensedesk.licenses.models import License
from licensedesk.licenses.tests.factories import customer, issue, registered
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile
from licensedesk.outbox.models import Job
from licensedesk_client.lrq import make_lrq


@pytest.fixture(autouse=True)
def _signing_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(tmp_path / "keys.json"))


def lrq(lic, count) -> bytes:
    return make_lrq(
        lic.code,
        [{"hardwareId": f"cam-{i}", "name": f"Camera {i}"} for i in range(count)],
        installation_id="6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f",
        request_id=str(uuid.uuid4()),
        created=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    )


def device_license(world, devices=2) -> License:
    lic = registered(world.org, grant_to=[world.license_user])
    License.objects.filter(pk=lic.pk).update(device_licenses=devices)
    lic.refresh_from_db()
    return lic


def test_a_registered_license_notifies_the_subscribed_profiles(world, run_jobs):
    profile(world.license_admin, "Sales", events=[events.LICENSE_REGISTERED])
    profile(world.license_admin, "Care only", events=[events.CARE_ENDING])
    code = issue().code
    licenses.register(world.license_admin, code, new_customer="Harbour Hotel")
    assert Delivery.objects.count() == 0  # the fan-out runs in the worker
    assert Job.objects.filter(kind="notifications.fanout").count() == 1
    run_jobs()
    sent = Delivery.objects.get()
    assert (sent.event, sent.profile.name) == (events.LICENSE_REGISTERED, "Sales")
    assert sent.payload["data"] == {"registered_by": world.license_admin.email}
    send_due()
    assert len(mail.outbox) == 1
    assert code in mail.outbox[0].subject and code in mail.outbox[0].body


def test_a_failed_registration_notifies_nobody(world, run_jobs):
    profile(world.license_admin, events=[events.LICENSE_REGISTERED])
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal
        licenses.register(world.license_admin, "M01-C01-251-01-AAAAAA")
    assert not Job.objects.filter(kind="notifications.fanout").exists()


def test_activated_devices_notify_the_subscribed_profiles(world, run_jobs):
    lic = device_license(world)
    profile(world.license_admin, events=[events.DEVICES_ACTIVATED, events.ACTIVATION_REFUSED])
    activation.activate(world.license_admin, lic.code, lrq(lic, 2))
    run_jobs()
    sent = Delivery.objects.get()
    assert sent.event == events.DEVICES_ACTIVATED
    assert sent.payload["data"]["activated"] == 2


def test_a_refused_activation_notifies_the_subscribed_profiles(world, run_jobs):
    lic = device_license(world, devices=2)
    profile(world.license_admin, events=[events.ACTIVATION_REFUSED])
    activation.activate(world.license_admin, lic.code, lrq(lic, 3))
    run_jobs()
    sent = Delivery.objects.get()
    assert sent.event == events.ACTIVATION_REFUSED
    assert sent.payload["data"]["refused"] == 1


def test_a_profile_hears_only_about_licenses_in_its_scope(world, run_jobs):
    inside, outside = device_license(world), device_license(world)
    grp = group(world.org, "Harbour sites", licenses=[inside])
    profile(world.license_admin, scope="groups", group_ids=[grp.pk], events=["devices_activated"])
    activation.activate(world.license_admin, outside.code, lrq(outside, 1))
    run_jobs()
    assert Delivery.objects.count() == 0
    activation.activate(world.license_admin, inside.code, lrq(inside, 1))
    run_jobs()
    assert Delivery.objects.count() == 1


def test_a_customers_profile_hears_about_that_customers_licenses(world, run_jobs):
    harbour = customer(world.org, "Harbour Hotel")
    profile(
        world.license_admin,
        scope="customers",
        customer_ids=[harbour.pk],
        events=[events.LICENSE_REGISTERED],
    )
    licenses.register(world.license_admin, issue().code, customer_id=harbour.pk)
    licenses.register(world.license_admin, issue().code, new_customer="Airport")
    run_jobs()
    assert Delivery.objects.count() == 1


def test_a_user_recipient_hears_only_about_licenses_they_may_see(world, run_jobs):
    profile(
        world.license_admin,
        events=[events.LICENSE_REGISTERED],
        extra_emails=[],
        user_ids=[world.license_user.pk, world.license_admin.pk],
    )
    licenses.register(world.license_admin, issue().code)  # not granted to the License User
    run_jobs()
    assert list(Delivery.objects.values_list("recipient", flat=True)) == [world.license_admin.email]


def test_a_muted_profile_hears_nothing(world, run_jobs):
    profile(world.license_admin, events=[events.LICENSE_REGISTERED], muted=True)
    licenses.register(world.license_admin, issue().code)
    run_jobs()
    assert Delivery.objects.count() == 0


def test_another_companys_profiles_never_hear_about_our_licenses(world, run_jobs):
    profile(world.outsider, events=[events.LICENSE_REGISTERED], extra_emails=["x@contoso.example"])
    licenses.register(world.license_admin, issue().code)
    run_jobs()
    assert Delivery.objects.count() == 0
