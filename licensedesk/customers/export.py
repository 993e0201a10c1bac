"""The export of the Customers page: the customers the user sees, as searched, by name, each
with the counts of the licenses the user sees by Care status (`queries`)."""

from licensedesk.customers import queries
from licensedesk.exports import chunks as keyset
from licensedesk.exports.formats import DATETIME, INT, Column, Table

KEYS = (keyset.Key("name"), keyset.Key("id"))

COLUMNS = (
    Column("id", lambda c: c.pk, INT),
    Column("name", lambda c: c.name),
    Column("licenses", lambda c: c.license_count, INT),
    Column("care_active", lambda c: c.care_active, INT),
    Column("care_ending", lambda c: c.care_ending, INT),
    Column("care_expired", lambda c: c.care_expired, INT),
    Column("created_at", lambda c: c.created_at, DATETIME),
)


def customer_chunks(user, params):
    """Chunks of the customers `user` sees, searched by name (`q` as on the page, or
    `search` as in the API); one query a chunk."""
    search = params.get("q") or params.get("search") or ""
    customers = queries.with_license_summary(queries.find_customers(user, search), user)
    yield from keyset.chunks(customers, KEYS)


TABLE = Table("customers", COLUMNS, customer_chunks)
