"""The export of the Licenses page: exactly what it lists with the same filters, in its order
(`queries.find_licenses`), in CSV, XLSX or JSON (`exports.formats`), read CHUNK rows at a
time. The columns slc, customer, description, groups and visible_to are the ones an import
takes back, so that an exported file, edited and imported, changes only what was edited."""

from licensedesk import access
from licensedesk.care import tiers
from licensedesk.exports import chunks as keyset
from licensedesk.exports.formats import DATE, DATETIME, INT, LIST, Column, Table
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.queries import find_licenses, sort_of, with_list_details

CHUNK = keyset.CHUNK


def _care_columns(tier: str) -> tuple[Column, Column]:
    """A Care tier's end and status (`care.tiers`), as the list shows them."""
    return (
        Column(
            f"care_{tier}_ends_on", lambda lic: tiers.of(lic, tier).ends_on, DATE, nullable=True
        ),
        Column(f"care_{tier}_status", lambda lic: tiers.of(lic, tier).status_label),
    )


# Care as the list shows it: Care Plus and Care Premium side by side.
CARE_COLUMNS = (*_care_columns(tiers.PLUS), *_care_columns(tiers.PREMIUM))

COLUMNS = (
    Column("slc", lambda lic: lic.code),
    Column("product", lambda lic: lic.product.name),
    Column("version", lambda lic: lic.version.name),
    # Empty for Unspecified, as an import reads an empty customer.
    Column("customer", lambda lic: lic.customer.name if lic.customer else None, nullable=True),
    Column("description", lambda lic: lic.description),
    Column("groups", lambda lic: [group.name for group in lic.groups.all()], LIST),
    Column("visible_to", lambda lic: lic.visible_to, LIST),
    Column("devices_used", lambda lic: lic.devices_used, INT),
    Column("devices_total", lambda lic: lic.device_licenses, INT),
    *CARE_COLUMNS,
    Column("expires_on", lambda lic: lic.expires_on, DATE, nullable=True),
    Column("registered_at", lambda lic: lic.registered_at, DATETIME, nullable=True),
)


def license_chunks(user, params):
    """Chunks of the licenses `user` may see as `params` narrow and order them, each with
    its groups (prefetched) and, for those who manage visibility, the emails of the License
    Users granted it: three queries a chunk, whatever it holds."""
    licenses = with_list_details(user, find_licenses(user, params))
    show_grants = access.can_manage_visibility(user)
    for chunk in keyset.chunks(licenses, sort_keys(*sort_of(params.get("ordering"))), CHUNK):
        granted = _granted_emails(chunk) if show_grants else {}
        for lic in chunk:
            lic.visible_to = granted.get(lic.pk, [])
        yield chunk


TABLE = Table("licenses", COLUMNS, license_chunks)


def sort_keys(field: str, desc: bool) -> list[keyset.Key]:
    """The keys of `queries.sorted_by(field, desc)`: `field` with NULLs last ascending and
    first descending, then the id."""
    return [keyset.Key(field, desc, nullable=True), keyset.Key("id", desc)]


def in_chunks(licenses, field: str, desc: bool, size: int | None = None):
    """Every license of `licenses`, ordered by `field` then id as `queries.sorted_by` orders
    them, read CHUNK at a time (also the Care calendar's way through its licenses)."""
    yield from keyset.rows(licenses, sort_keys(field, desc), size or CHUNK)


def _granted_emails(licenses) -> dict[int, list[str]]:
    """{license id: emails of the users granted it} for `licenses`, rows already loaded from
    what the caller may see (never bare ids)."""
    grants = (
        LicenseGrant.objects.filter(license__in=licenses)
        .order_by("user__email")
        .values_list("license_id", "user__email")
    )
    emails: dict[int, list[str]] = {}
    for license_id, email in grants:
        emails.setdefault(license_id, []).append(email)
    return emails
