"""Emails say what happened in sentences, with a link to the page to look at: no raw data
(`reasons: ['…']`) reaches a reader."""

import uuid
from datetime import UTC, datetime

import pytest
from django.core import mail

from licensedesk.activation import services as activation
from licensedesk.licenses import services as licenses
from licensedesk.licenses.models import License
from licensedesk.licenses.tests.factories import issue, registered
from licensedesk.notifications import events, wording
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile
from licensedesk_client.lrq import make_lrq


def no_raw_data(text: str) -> None:
    assert "['" not in text and "{'" not in text and "registered_by" not in text
    assert "activated:" not in text and "reasons" not in text


def test_a_registration_email_says_who_registered_it_and_links_the_license(world, run_jobs):
    profile(world.license_admin, "Sales", events=[events.LICENSE_REGISTERED])
    code = issue().code
    licenses.register(world.license_admin, code)
    run_jobs()
    send_due()
    [message] = mail.outbox
    assert f"{world.license_admin.email} registered the license." in message.body
    assert f"Open the license: http://testserver/licenses/{code}/" in message.body
    no_raw_data(message.body)
    html = message.alternatives[0][0]
    assert f'<a href="http://testserver/licenses/{code}/">Open the license</a>' in html
    no_raw_data(html)


def test_an_activation_email_counts_devices_in_words(world, run_jobs, monkeypatch, tmp_path):
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(tmp_path / "keys.json"))
    lic = registered(world.org)
    License.objects.filter(pk=lic.pk).update(device_licenses=2)
    lic.refresh_from_db()
    profile(world.license_admin, events=[events.ACTIVATION_REFUSED])
    request = make_lrq(
        lic.code,
        [{"hardwareId": f"cam-{i}", "name": f"Camera {i}"} for i in range(3)],
        installation_id="6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f",
        request_id=str(uuid.uuid4()),
        created=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    )
    activation.activate(world.license_admin, lic.code, request)
    run_jobs()
    send_due()
    [message] = mail.outbox
    assert "2 device licenses were activated for the installation" in message.body
    assert "1 device was refused: the license has no device licenses left for them." in message.body
    no_raw_data(message.body)


@pytest.mark.parametrize(
    ("event", "data", "said"),
    [
        (events.INSTALLATION_OFFLINE,
         {"installation": "vms-harbour", "since": "2025-03-01T12:00:00+00:00",
          "reasons": ["no report for more than 3 minutes (3 report intervals of 1 minute)"]},
         ["The installation “vms-harbour” stopped reporting: it is Offline since "
          "2025-03-01 12:00 UTC.",
          "Why: no report for more than 3 minutes (3 report intervals of 1 minute)."]),
        (events.INSTALLATION_ONLINE, {"installation": "vms-harbour", "state": "healthy"},
         ["The installation “vms-harbour” is reporting again; it is Healthy."]),
        (events.INSTALLATION_RECOVERED,
         {"installation": "vms-harbour", "state": "attention", "reasons": ["host CPU at 93%"]},
         ["The installation “vms-harbour” is no longer Critical; it is Attention.",
          "Still to look at: host CPU at 93%."]),
    ],
)  # fmt: skip
def test_installation_alerts_read_as_sentences(event, data, said):
    assert wording.sentences(event, data) == said
