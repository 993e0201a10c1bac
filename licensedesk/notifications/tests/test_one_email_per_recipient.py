"""An event that matches several notification profiles reaches each person once: one email
per address and event, saying which profiles it matched and why, with a link to stop each
one; webhooks stay one per profile (each signs with its own secret)."""

import re

import pytest
from django.core import mail
from django.test import Client

from licensedesk.groups.tests.factories import group
from licensedesk.licenses import services as licenses
from licensedesk.licenses.tests.factories import customer, issue
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery, Mute
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile

REGISTERED = [events.LICENSE_REGISTERED]


@pytest.fixture
def harbour(world):
    return customer(world.org, "Harbour Hotel")


@pytest.fixture
def two_profiles(world, harbour):
    """Two profiles that both name Lars and the desk (the desk in another spelling)."""
    admin = world.license_admin
    everything = profile(
        admin, "Everything", events=REGISTERED, user_ids=[admin.pk],
        extra_emails=["desk@northwind.example"],
    )  # fmt: skip
    hotels = profile(
        admin, "Hotels", events=REGISTERED, scope="customers", customer_ids=[harbour.pk],
        user_ids=[admin.pk], extra_emails=["Desk@Northwind.example", "night@northwind.example"],
    )  # fmt: skip
    return everything, hotels


def register(world, harbour, run_jobs) -> str:
    code = issue().code
    licenses.register(world.license_admin, code, customer_id=harbour.pk)
    run_jobs()
    return code


def test_each_address_gets_one_email_per_event(world, harbour, two_profiles, run_jobs):
    register(world, harbour, run_jobs)
    assert send_due() == 3
    assert sorted(m.to[0].lower() for m in mail.outbox) == [
        "desk@northwind.example",
        world.license_admin.email,
        "night@northwind.example",
    ]


def test_the_email_says_which_profiles_matched_and_why(world, harbour, two_profiles, run_jobs):
    register(world, harbour, run_jobs)
    send_due()
    [message] = [m for m in mail.outbox if m.to == [world.license_admin.email]]
    assert "it matched 2 notification profiles (one email for all of them)" in message.body
    assert '"Everything": it covers all licenses.' in message.body
    assert '"Hotels": it covers the customer “Harbour Hotel”.' in message.body
    assert (
        len(re.findall(r"Stop its emails: http://testserver/notifications/mute/", message.body))
        == 2
    )
    html = message.alternatives[0][0]
    assert "“Everything”: it covers all licenses." in html and "“Hotels”" in html
    delivery = Delivery.objects.get(recipient=world.license_admin.email)
    assert [m["profile"] for m in delivery.payload["matched"]] == ["Everything", "Hotels"]


def test_a_group_profile_names_the_group_that_holds_the_license(world, run_jobs):
    code = issue().code
    lic = licenses.register(world.license_admin, code)
    grp = group(world.org, "Harbour sites", licenses=[lic])
    profile(
        world.license_admin, "Sites", events=[events.LICENSE_REGISTERED], scope="groups",
        group_ids=[grp.pk], extra_emails=["desk@northwind.example"],
    )  # fmt: skip
    from licensedesk.notifications.services import emit

    emit(events.LICENSE_REGISTERED, lic, {"registered_by": world.license_admin.email})
    run_jobs()
    send_due()
    assert (
        'matched the notification profile "Sites": the license is in its license group '
        "“Harbour sites”." in mail.outbox[-1].body
    )


def test_the_delivery_log_names_every_matched_profile(
    world, login, harbour, two_profiles, run_jobs
):
    register(world, harbour, run_jobs)
    page = login(world.license_admin).get("/notifications/deliveries/").content.decode()
    assert "Everything, Hotels" in page


def test_muting_one_profile_keeps_the_email_of_the_other(world, harbour, two_profiles, run_jobs):
    everything, hotels = two_profiles
    register(world, harbour, run_jobs)
    send_due()
    [first] = [m for m in mail.outbox if m.to == [world.license_admin.email]]
    mute_links = re.findall(r"http://testserver(/notifications/mute/\S+/)", first.body)
    assert Client().post(mute_links[0]).status_code == 200  # stops "Everything"
    assert Mute.objects.get().profile_id == everything.pk
    mail.outbox.clear()
    register(world, harbour, run_jobs)
    send_due()
    assert world.license_admin.email in [m.to[0] for m in mail.outbox]  # "Hotels" still holds
    assert Client().post(mute_links[1]).status_code == 200  # stops "Hotels" too
    mail.outbox.clear()
    register(world, harbour, run_jobs)
    send_due()
    assert world.license_admin.email not in [m.to[0] for m in mail.outbox]
    skipped = Delivery.objects.filter(
        recipient=world.license_admin.email, state=Delivery.State.SKIPPED
    ).get()
    assert skipped.last_error == "the recipient muted it"


def test_a_muted_profile_leaves_the_email_to_the_other(world, harbour, two_profiles, run_jobs):
    everything, _ = two_profiles
    register(world, harbour, run_jobs)
    everything.muted = True
    everything.save()
    assert send_due() == 3
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}


def test_webhooks_stay_one_per_profile(world, harbour, run_jobs, settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = True
    for name in ("A", "B"):
        profile(
            world.license_admin, name, events=REGISTERED, extra_emails=["desk@northwind.example"],
            webhook_url="http://127.0.0.1:9/licensedesk",
        )  # fmt: skip
    register(world, harbour, run_jobs)
    assert Delivery.objects.filter(channel="webhook").count() == 2
    assert Delivery.objects.filter(channel="email").count() == 1


def test_a_user_who_may_not_see_the_license_is_still_left_out(world, harbour, run_jobs):
    for name in ("A", "B"):
        profile(
            world.license_admin, name, events=REGISTERED, extra_emails=[],
            user_ids=[world.license_user.pk, world.license_admin.pk],
        )  # fmt: skip
    register(world, harbour, run_jobs)
    assert list(Delivery.objects.values_list("recipient", flat=True)) == [world.license_admin.email]


def test_the_fan_out_writes_all_or_nothing(world, harbour, two_profiles, run_jobs, monkeypatch):
    from licensedesk.notifications import services

    calls = []
    real = Delivery.objects.bulk_create

    def fail_after_first(objs, *args, **kwargs):
        calls.append(len(objs))
        raise RuntimeError("database went away")

    monkeypatch.setattr(Delivery.objects, "bulk_create", fail_after_first)
    lic = licenses.register(world.license_admin, issue().code, customer_id=harbour.pk)
    payload = {
        "event": events.LICENSE_REGISTERED,
        "license_id": lic.pk,
        "organization_id": lic.organization_id,
    }
    with pytest.raises(RuntimeError):
        services.fan_out(payload)
    monkeypatch.setattr(Delivery.objects, "bulk_create", real)
    assert Delivery.objects.count() == 0 and calls == [3]
