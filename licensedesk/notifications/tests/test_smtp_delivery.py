"""At least once, through a real SMTP server: a delivery is only `sent` once the server took
it; an outage leaves it `retrying` with its error, and nothing is lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications import sender
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import SmtpSink, delivery, profile, states
from licensedesk.outbox.worker import backoff


@pytest.fixture
def smtp(settings):
    sink = SmtpSink().start().use(settings)
    yield sink
    sink.stop()


@pytest.fixture
def prof(world):
    return profile(world.license_admin, events=["license_registered"])


@pytest.fixture
def lic(world):
    return registered(world.org, description="Harbour cameras")


def make_due():
    Delivery.objects.exclude(state=Delivery.State.SENT).update(next_attempt_at=timezone.now())


def test_an_email_goes_through_the_smtp_server_with_html_text_and_a_mute_link(smtp, prof, lic):
    d = delivery(prof, lic)
    assert send_due() == 1
    assert states(d) == ["sent"]
    [message] = smtp.messages
    assert message["To"] == "desk@northwind.example"
    assert lic.code in message["Subject"]
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in message.walk()
        if not p.is_multipart()
    }
    assert lic.code in parts["text/plain"] and lic.code in parts["text/html"]
    assert "/notifications/mute/" in parts["text/plain"]
    assert message["List-Unsubscribe"].strip().startswith("<http://testserver/notifications/mute/")
    assert message["X-Licensedesk-Delivery"] == str(d.uuid)  # receivers can drop repeats
    d.refresh_from_db()
    assert (d.attempts, d.last_error) == (1, "")
    assert d.sent_at is not None


def test_a_batch_is_sent_over_one_smtp_connection(smtp, prof, lic):
    for i in range(5):
        delivery(prof, lic, f"ops{i}@northwind.example")
    assert send_due() == 5
    assert len(smtp.messages) == 5
    assert len(smtp.sessions) == 1


def test_an_outage_leaves_deliveries_retrying_and_a_retry_sends_them_all(smtp, prof, lic):
    queued = [delivery(prof, lic, f"ops{i}@northwind.example") for i in range(5)]
    smtp.stop()
    assert send_due() == 5
    assert states(*queued) == ["retrying"] * 5
    for d in Delivery.objects.all():
        assert d.attempts == 1
        assert "refused" in d.last_error.lower() or "error" in d.last_error.lower()
        assert d.next_attempt_at > timezone.now()
    assert send_due() == 0  # not due yet: backoff

    smtp.start()
    make_due()
    assert send_due() == 5
    assert states(*queued) == ["sent"] * 5
    assert sorted(smtp.recipients()) == sorted(d.recipient for d in queued)  # nothing lost
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}


def test_retries_back_off_and_fail_after_max_attempts(smtp, prof, lic):
    d = delivery(prof, lic, max_attempts=3)
    smtp.stop()
    waits = []
    for _ in range(3):
        started = timezone.now()
        send_due()
        d.refresh_from_db()
        waits.append(d.next_attempt_at - started)
        make_due()
    assert d.state == Delivery.State.FAILED
    assert d.attempts == 3
    assert d.last_error
    # 10 s, 20 s, … (a little less: time passes between the two clocks)
    for wait, expected in zip(waits[:2], [backoff(1), backoff(2)], strict=True):
        assert expected - timedelta(seconds=2) <= wait <= expected + timedelta(seconds=1)
    assert send_due() == 0  # failed is final until someone retries it


def test_a_delivery_left_sending_by_a_killed_worker_is_sent_again(smtp, prof, lic):
    d = delivery(prof, lic)
    assert [c.pk for c in sender.claim(who="killed")] == [d.pk]  # …and the worker dies here
    assert states(d) == ["sending"]
    assert send_due() == 0  # the lease still holds
    Delivery.objects.filter(pk=d.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert send_due() == 1
    assert states(d) == ["sent"]
    assert smtp.recipients() == ["desk@northwind.example"]


def test_a_worker_whose_lease_ran_out_does_not_overwrite_the_newer_outcome(smtp, prof, lic):
    d = delivery(prof, lic)
    [stale] = sender.claim(who="slow")
    Delivery.objects.filter(pk=d.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    [fresh] = sender.claim(who="fast")
    assert sender.deliver(fresh) == Delivery.State.SENT
    smtp.stop()  # the slow worker's late attempt fails…
    sender.deliver(stale)
    d.refresh_from_db()
    assert (d.state, d.attempts, d.locked_by) == ("sent", 1, "fast")  # …and changes nothing


def test_a_deleted_profile_skips_its_deliveries(smtp, prof, lic):
    d = delivery(prof, lic)
    prof.delete()
    send_due()
    assert states(d) == ["skipped"]
    assert smtp.messages == []
