"""The export of the Activity page (the audit log, company administrators), newest first."""

from licensedesk import access
from licensedesk.audit.filters import filter_events
from licensedesk.exports import chunks as keyset
from licensedesk.exports.formats import DATETIME, INT, OBJECT, Column, Table

KEYS = (keyset.Key("created_at", desc=True), keyset.Key("id", desc=True))

COLUMNS = (
    Column("id", lambda e: e.pk, INT),
    Column("created_at", lambda e: e.created_at, DATETIME),
    Column("actor_id", lambda e: e.actor_id, INT, nullable=True),
    Column("actor", lambda e: e.actor_label),
    Column("action", lambda e: e.action),
    Column("target_type", lambda e: e.target_type),
    Column("target_id", lambda e: e.target_id),
    Column("target", lambda e: e.target_label),
    Column("changes", lambda e: e.changes, OBJECT),
    Column("ip_address", lambda e: e.ip_address, nullable=True),
    Column("user_agent", lambda e: e.user_agent),
)


def event_chunks(user, params):
    """Chunks of the company's audit events as `params` filter them (action, actor, since,
    until): none for anyone but a company administrator; one query a chunk."""
    events = filter_events(access.audit_events_visible_to(user), params)
    yield from keyset.chunks(events, KEYS)


TABLE = Table("audit-log", COLUMNS, event_chunks)
