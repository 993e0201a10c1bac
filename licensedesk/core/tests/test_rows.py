"""core.rows: plain-SQL reads for the hot paths must give exactly what the ORM gives
(aware datetimes, JSON), on both databases."""

from django.db import connection

from licensedesk.audit.models import AuditEvent
from licensedesk.core import rows


def test_an_inserted_row_reads_back_through_instance_as_the_orm_reads_it(world):
    event = AuditEvent.objects.create(
        organization=world.org, actor=world.license_admin, action="x.y", changes={}
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
