"""The export of a license's activation history, newest first."""

from licensedesk import access
from licensedesk.exports import chunks as keyset
from licensedesk.exports.formats import DATETIME, INT, Column, Table

KEYS = (keyset.Key("created_at", desc=True), keyset.Key("id", desc=True))

COLUMNS = (
    Column("id", lambda a: a.pk, INT),
    Column("created_at", lambda a: a.created_at, DATETIME),
    Column("slc", lambda a: a.license.code),
    Column("installation_uuid", lambda a: str(a.installation.uuid)),
    Column("hostname", lambda a: a.installation.hostname),
    Column("request_id", lambda a: str(a.request_id)),
    Column("via", lambda a: a.via),
    Column("activated", lambda a: a.activated, INT),
    Column("kept", lambda a: a.kept, INT),
    Column("released", lambda a: a.released, INT),
    Column("refused", lambda a: a.refused, INT),
    Column("created_by", lambda a: a.created_by.email if a.created_by else None, nullable=True),
)


def activation_chunks(user, params):
    """Chunks of the activations of the license `params["slc"]`, if `user` sees it; one
    query a chunk."""
    activations = access.activations_visible_to(user).filter(license__code=params["slc"])
    related = activations.select_related("license", "installation", "created_by")
    yield from keyset.chunks(related, KEYS)


TABLE = Table("activations", COLUMNS, activation_chunks)
