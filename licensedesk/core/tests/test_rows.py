"""core.rows: plain-SQL reads and inserts for the hot paths must give exactly what the ORM
gives (defaults, auto_now_add, JSON, aware datetimes), on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensedesk.audit.models import AuditEvent
from licensedesk.core import rows
from licensedesk.outbox.models import Job


def test_an_insert_applies_defaults_auto_now_and_json_as_save_does(db):
    before = timezone.now()
    job = Job(kind="notifications.fanout", payload={"a": [1, "é"]})
    rows.save_new(job)
    stored = Job.objects.get(pk=job.pk)
    assert (stored.kind, stored.payload, stored.state) == (
        "notifications.fanout",
        {"a": [1, "é"]},
        Job.State.QUEUED,
    )
    assert stored.attempts == 0 and stored.max_attempts == 8
    assert before <= stored.created_at <= timezone.now()
    assert stored.run_at is not None and job.created_at == stored.created_at
    assert not job._state.adding


def test_an_inserted_row_reads_back_through_instance_as_the_orm_reads_it(world):
    event = AuditEvent(organization=world.org, actor=world.license_admin, action="x.y", changes={})
    rows.save_new(event)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(AuditEvent, 'e')} FROM audit_auditevent e WHERE e.id = %s",
            [event.pk],
        )
        read = rows.instance(AuditEvent, cursor.fetchone())
    orm = AuditEvent.objects.get(pk=event.pk)
    for field in AuditEvent._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
    assert read.created_at.tzinfo is not None


def test_new_rows_and_other_writes_are_saved_together_in_one_round_trip(world):
    # On PostgreSQL one statement (data-modifying CTEs); elsewhere one after the other.
    job = Job(kind="notifications.fanout", payload={"n": 1})
    event = AuditEvent(organization=world.org, actor=world.license_admin, action="x.y")
    rename = rows.Write(
        "UPDATE accounts_organization SET name = %s WHERE id = %s",
        ["Northwind Renamed", world.org.pk],
    )
    with CaptureQueriesContext(connection) as ctx:
        rows.save_new(job, event, also=(rename,))
    expected = 1 if connection.vendor == "postgresql" else 3
    assert len(ctx.captured_queries) == expected
    assert Job.objects.get(pk=job.pk).payload == {"n": 1}
    assert AuditEvent.objects.get(pk=event.pk).action == "x.y"
    assert not job._state.adding and not event._state.adding
    world.org.refresh_from_db()
    assert world.org.name == "Northwind Renamed"


def test_writes_together_give_what_each_returned_and_none_for_the_others(world):
    found = rows.write_together(
        rows.Write("UPDATE accounts_organization SET name = name WHERE id = %s", [world.org.pk]),
        rows.Write(
            "UPDATE accounts_organization SET name = name WHERE id = %s RETURNING id",
            [world.org.pk],
            returns=True,
        ),
    )
    assert found == [None, world.org.pk]
    assert rows.write_together() == []


def test_a_failing_write_together_leaves_nothing_behind(world):
    # One statement on PostgreSQL; one by one elsewhere, where the caller's transaction
    # undoes the writes before the failing one.
    from django.db import IntegrityError, transaction

    job = Job(kind="notifications.fanout", payload={})
    rename = rows.Write(
        "UPDATE accounts_organization SET name = %s WHERE id = %s", ["Renamed", world.org.pk]
    )
    taken_slug = rows.Write(
        "UPDATE accounts_organization SET slug = %s WHERE id = %s",
        [world.org.slug, world.other_org.pk],
    )
    before = Job.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.save_new(job, also=(rename, taken_slug))
    assert Job.objects.count() == before
    world.org.refresh_from_db()
    world.other_org.refresh_from_db()
    assert (world.org.name, world.other_org.slug) == ("Northwind Security", "contoso")
