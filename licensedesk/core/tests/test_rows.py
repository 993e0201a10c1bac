"""core.rows: plain-SQL reads and inserts for the hot paths must give exactly what the ORM
gives (defaults, auto_now_add, JSON, aware datetimes), on both databases."""

from django.db import connection
from django.utils import timezone

from licensedesk.audit.models import AuditEvent
from licensedesk.core import rows
from licensedesk.outbox.models import Job


def test_an_insert_applies_defaults_auto_now_and_json_as_save_does(db):
    before = timezone.now()
    job = rows.insert(Job, kind="notifications.fanout", payload={"a": [1, "é"]})
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
    event = rows.insert(
        AuditEvent, organization=world.org, actor=world.license_admin, action="x.y", changes={}
    )
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
