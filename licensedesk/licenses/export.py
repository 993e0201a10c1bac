"""The CSV export of a listing: exactly what the Licenses page lists with the same filters,
streamed in chunks of CHUNK rows in the listing's order. Each chunk is one query that starts
after the last row of the one before (keyset), so memory stays constant without a
server-side cursor (which a transaction-mode connection pooler does not keep)."""

import csv

from django.db.models import F, Q

from licensedesk.licenses.queries import find_licenses, sort_of, sorted_by, with_list_details

CHUNK = 2000

HEADER = [
    "SLC",
    "Product",
    "Version",
    "Customer",
    "Description",
    "Device licenses used",
    "Device licenses",
    "Care Plus ends",
    "Care Plus status",
    "Care Premium ends",
    "Care Premium status",
    "Registered",
]


def csv_lines(user, params):
    """The CSV's lines (header first) of the licenses `user` may see, as `params` narrow and
    order them (`queries.find_licenses`)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    licenses = with_list_details(find_licenses(user, params))
    for lic in in_chunks(licenses, *sort_of(params.get("ordering"))):
        yield writer.writerow(_row(lic))


def in_chunks(licenses, field: str, desc: bool, size: int | None = None):
    """Every license of `licenses`, ordered by `field` then id as `queries.sorted_by` orders
    them, read CHUNK at a time (also the Care calendar's way through its licenses)."""
    size = size or CHUNK
    keyed = licenses.order_by(*sorted_by(field, desc)).annotate(sort_key=F(field))
    after = Q()
    while True:
        chunk = list(keyed.filter(after)[:size])
        yield from chunk
        if len(chunk) < size:
            return
        after = _after(field, desc, chunk[-1].sort_key, chunk[-1].pk)


def _after(field: str, desc: bool, key, pk) -> Q:
    """The rows after (key, pk) in the order of `queries.ordering_of`: `field` ascending with
    NULLs last, or descending with NULLs first; then the id in the same direction. The
    bound on `field` alone lets PostgreSQL start from the key in an index on it."""
    null, not_null = Q(**{f"{field}__isnull": True}), Q(**{f"{field}__isnull": False})
    if desc:
        if key is None:
            return (null & Q(pk__lt=pk)) | not_null
        same = Q(**{field: key, "pk__lt": pk})
        return Q(**{f"{field}__lte": key}) & (Q(**{f"{field}__lt": key}) | same)
    if key is None:
        return null & Q(pk__gt=pk)
    same = Q(**{field: key, "pk__gt": pk})
    return (Q(**{f"{field}__gte": key}) & (Q(**{f"{field}__gt": key}) | same)) | null


def _row(lic) -> list:
    return [
        lic.code,
        lic.product.name,
        lic.version.name,
        _csv_safe(lic.customer.name) if lic.customer else "Unspecified",
        _csv_safe(lic.description),
        lic.devices_used,
        lic.device_licenses,
        *_care_columns(lic),
        lic.registered_at.date() if lic.registered_at else "",
    ]


def _care_columns(lic) -> list:
    """Each Care tier's end and status, side by side."""
    return [value for care in lic.care_tiers for value in (care.ends_on or "", care.status_label)]


def _csv_safe(value: str) -> str:
    """Keep spreadsheet programs from running a description as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    """A file that hands back what is written: csv.writer then formats one line at a time."""

    def write(self, value):
        return value
