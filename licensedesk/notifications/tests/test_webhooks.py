"""Signed webhooks: delivered to a receiver started by the test, which checks the HMAC
signature and the timestamp; only public HTTPS targets unless the site allows private ones."""

import json
from datetime import date

import pytest

from licensedesk.care.scan import scan
from licensedesk.licenses.tests.factories import customer, registered
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery, NotificationProfile
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.services import fan_out
from licensedesk.notifications.tests.helpers import WebhookReceiver, profile, states
from licensedesk.notifications.webhooks import signature


@pytest.fixture
def private_ok(settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = True


def hook_profile(world, url, **data):
    return profile(
        world.license_admin,
        "Ticketing",
        webhook_url=url,
        email_enabled=False,
        extra_emails=[],
        **data,
    )


def test_a_care_webhook_is_signed_and_the_receiver_verifies_it(world, private_ok):
    harbour = customer(world.org, "Harbour Hotel")
    lic = registered(world.org, cust=harbour, care_ends_on=date(2026, 6, 30))
    with WebhookReceiver() as receiver:
        prof = hook_profile(world, receiver.url, lead_times=[30])
        receiver.secret = prof.webhook_secret
        scan(today=date(2026, 5, 31))
        assert send_due() == 1
    [call] = receiver.calls
    assert call["valid"]
    d = Delivery.objects.get()
    assert d.state == Delivery.State.SENT
    assert call["headers"]["X-Licensedesk-Delivery"] == str(d.uuid)
    assert call["headers"]["X-Licensedesk-Event"] == events.CARE_ENDING
    body = call["body"]
    assert (body["id"], body["event"], body["organization"]) == (
        str(d.uuid),
        events.CARE_ENDING,
        "northwind",
    )
    assert body["licenses"] == [
        {
            "slc": lic.code,
            "product": lic.product.name,
            "version": lic.version.name,
            "customer": "Harbour Hotel",
            "care": {"plus": {"level": "Plus", "ends_on": "2026-06-30"}, "premium": None},
        }
    ]
    assert body["data"] == {
        "care": [{"slc": lic.code, "tier": "plus", "ends_on": "2026-06-30", "lead_days": 30}]
    }


def test_a_receiver_with_the_wrong_secret_rejects_the_signature(world, private_ok):
    lic = registered(world.org)
    with WebhookReceiver(secret="not-the-secret") as receiver:
        hook_profile(world, receiver.url, events=[events.LICENSE_REGISTERED])
        fan_out(
            {
                "event": events.LICENSE_REGISTERED,
                "license_id": lic.pk,
                "organization_id": world.org.pk,
            }
        )
        send_due()
    assert [c["valid"] for c in receiver.calls] == [False]


def test_the_signature_covers_timestamp_and_body():
    body = json.dumps({"id": "x"}).encode()
    sig = signature("s3cret", "1700000000", body)
    assert sig.startswith("sha256=") and len(sig) == 7 + 64
    assert sig != signature("s3cret", "1700000001", body)
    assert sig != signature("s3cret", "1700000000", body + b" ")
    assert sig != signature("other", "1700000000", body)


def test_a_webhook_answering_an_error_is_retried(world, private_ok):
    lic = registered(world.org, care_ends_on=date(2026, 6, 30))
    with WebhookReceiver(status=503) as receiver:
        hook_profile(world, receiver.url, lead_times=[30])
        scan(today=date(2026, 5, 31))
        send_due()
    d = Delivery.objects.get()
    assert (d.state, d.attempts) == (Delivery.State.RETRYING, 1)
    assert "503" in d.last_error
    assert [c["body"]["licenses"][0]["slc"] for c in receiver.calls] == [lic.code]


def test_a_webhook_whose_receiver_is_down_is_retried(world, private_ok):
    registered(world.org, care_ends_on=date(2026, 6, 30))
    receiver = WebhookReceiver()
    receiver.server.server_close()  # bound once, now nobody listens there
    hook_profile(world, receiver.url, lead_times=[30])
    scan(today=date(2026, 5, 31))
    send_due()
    d = Delivery.objects.get()
    assert d.state == Delivery.State.RETRYING and d.last_error


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/licensedesk",
        "ftp://hooks.example.com/",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://user:pw@93.184.216.34/hook",
    ],
)
def test_unsafe_webhook_urls_are_refused(world, api, url):
    response = api(world.license_admin).post_json(
        "/api/v1/notification-profiles",
        {"name": "Hook", "events": ["care_ending"], "webhook_url": url},
    )
    assert response.status_code == 400, response.content
    assert NotificationProfile.objects.count() == 0


def test_a_public_https_webhook_url_is_accepted(world, api):
    response = api(world.license_admin).post_json(
        "/api/v1/notification-profiles",
        {"name": "Hook", "events": ["care_ending"], "webhook_url": "https://93.184.216.34/h"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["webhook_secret"]


def test_private_targets_are_checked_again_before_each_delivery(world, settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = True
    registered(world.org, care_ends_on=date(2026, 6, 30))
    hook_profile(world, "http://127.0.0.1:9/hook", lead_times=[30])
    settings.ALLOW_PRIVATE_WEBHOOKS = False
    scan(today=date(2026, 5, 31))
    send_due()
    d = Delivery.objects.get()
    assert states(d) == ["retrying"]
    assert "https" in d.last_error
