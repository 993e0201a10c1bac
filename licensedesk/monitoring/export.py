"""The export of the Installations page: the installations the user sees, as filtered, in
the page's order (`queries.find_installations`), each with its monitored state."""

from django.utils import timezone

from licensedesk.exports import chunks as keyset
from licensedesk.exports.formats import BOOL, DATETIME, INT, LIST, Column, Table
from licensedesk.monitoring import queries

NOT_MONITORED = "unmonitored"


def _health(installation):
    return getattr(installation, "health", None)


def _from_health(field: str, default=None):
    def value(installation):
        health = _health(installation)
        return getattr(health, field) if health is not None else default

    return value


def _version(installation) -> str:
    health = _health(installation)
    return (health.product_version if health else "") or installation.product_version


def _maintenance_until(installation):
    """The end of a maintenance window that is on or planned (none once it is over)."""
    window = getattr(installation, "maintenance", None)
    return window.ends_at if window and not window.is_over(timezone.now()) else None


COLUMNS = (
    Column("id", lambda i: i.pk, INT),
    Column("uuid", lambda i: str(i.uuid)),
    Column("hostname", lambda i: i.hostname),
    Column("slc", lambda i: i.license.code),
    Column(
        "customer",
        lambda i: i.license.customer.name if i.license.customer_id else None,
        nullable=True,
    ),  # fmt: skip
    Column("product", lambda i: i.license.product.name),
    Column("product_version", _version),
    Column("devices_active", lambda i: i.devices_active, INT),
    Column("state", _from_health("state", NOT_MONITORED)),
    Column("state_since", _from_health("state_since"), DATETIME, nullable=True),
    Column("reasons", lambda i: [str(r) for r in _from_health("reasons", [])(i) or []], LIST),
    Column("last_report_at", _from_health("last_report_at"), DATETIME, nullable=True),
    Column("monitoring_enabled", _from_health("enabled", False), BOOL),
    Column("maintenance_until", _maintenance_until, DATETIME, nullable=True),
)


def installation_chunks(user, params):
    """Chunks of the installations `user` sees as `params` filter and order them (state,
    customer, group, search, ordering); one query a chunk."""
    installations = queries.find_installations(user, params)
    yield from keyset.chunks(installations, queries.order_keys(params))


TABLE = Table("installations", COLUMNS, installation_chunks)
