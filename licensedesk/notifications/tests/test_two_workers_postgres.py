"""Two (or more) workers sending at once, in real threads with their own connections, on
PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED gives every delivery to exactly one of them, so
the SMTP server receives each message exactly once."""

from collections import Counter

import pytest

from licensedesk.core.testing import needs_postgresql, race
from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications import sender
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.tests.helpers import SmtpSink, delivery, profile

WORKERS = 4
DELIVERIES = 120


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_delivery(world, settings):
    needs_postgresql("needs PostgreSQL row locks (SKIP LOCKED)")
    sink = SmtpSink().start().use(settings)
    try:
        prof = profile(world.license_admin)
        lic = registered(world.org)
        queued = [delivery(prof, lic, f"d{i}@northwind.example") for i in range(DELIVERIES)]
        sent_by = Counter()

        def work(i):
            while batch := sender.claim(limit=5, who=f"w{i}"):
                for d in batch:
                    sender.deliver(d)
                    sent_by[f"w{i}"] += 1

        errors = [r for r in race(work, WORKERS) if r is not None]
    finally:
        sink.stop()

    assert errors == []
    per_recipient = Counter(sink.recipients())
    assert per_recipient == Counter(d.recipient for d in queued)  # each once, none lost
    assert set(Delivery.objects.values_list("state", "attempts")) == {(Delivery.State.SENT, 1)}
    assert sum(sent_by.values()) == DELIVERIES
    assert len([n for n in sent_by.values() if n]) > 1  # they did share the work
