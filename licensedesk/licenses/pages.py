"""A page of licenses: which rows a page of `queries.find_licenses` holds, how many there
are in all, and the rows with what the list shows of them (product, version, customer,
groups), for the Licenses page, the customer and group pages and the API's lists.

Measured on a million licenses (docs/benchmarks.md): the page's ids are cut on the licenses
alone and only its rows are joined; few matches (a License User's, a search's) are counted in
the query that sorts them; a License Admin's whole list is counted up to a cap; and the rows
come from two plain queries written once instead of the ORM's per-page query building."""

from functools import cache

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Window
from django.utils.functional import cached_property

from licensedesk.accounts.models import Role
from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.core import rows
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.licenses.models import License
from licensedesk.licenses.queries import find_licenses, search_of, search_parts


def rows_between(licenses, start: int, stop: int) -> list:
    """Rows start..stop of `licenses` (as `find_licenses` gives them) with their list details.
    The page is cut on the licenses alone and only its rows are joined with their product,
    version and customer: given the joined query, PostgreSQL joins every match before
    sorting (2,331 matches of a customer search: 48 ms for a page instead of 15 ms). The
    rows come in the plain queries of `rows_with_ids`, around the ORM's query of the page."""
    try:
        page, params = licenses.values("pk")[start:stop].query.sql_with_params()
    except EmptyResultSet:  # nothing can match (or an empty range): the ORM sends no query
        return []
    order = _order_sql(licenses.query.order_by, lambda i, field: _ORDER_SQL[field])
    return _listed(rows.fetch_all(f"{_rows_sql().format(page)} ORDER BY {order}", params))


def counted_while_sorted(user, params) -> bool:
    """Whether a listing's matches are few enough to count them in the pass that sorts them
    (`ids_and_total`): a License User's (at most their grants) and a search's (at most its
    matches). A License Admin's whole list is counted apart, so that its page is read from an
    index in order without visiting the other 100,000 licenses."""
    return user.role == Role.LICENSE_USER or bool(search_of(params))


def ids_and_total(licenses, start: int, stop: int, parts=None) -> tuple[list[int], int]:
    """The ids of rows start..stop of `licenses` and how many there are in all, in one query
    (`COUNT(*) OVER ()`): one pass over the matches instead of one to count and one to sort
    (a License User's 2,000 granted licenses: 2,000 lookups instead of 4,000). The total is 0
    when the range lies past the end. With `parts` (`queries.search_parts` of the same
    listing), the matches come from their union, each with its sort keys: no lookup of every
    match by id (2,331 matches of a customer search: SQL ~14 → ~6 ms).

    The matches are counted around a subquery without ORDER BY: given the ORDER BY and LIMIT
    in the same query, PostgreSQL walks the company's licenses in index order as if it could
    stop early, which a window over all the matches never can (a License User's group of
    5,000: 114 ms instead of 17)."""
    order_by = licenses.query.order_by
    keys = {f"sort{i}": F(field.lstrip("-")) for i, field in enumerate(order_by)}

    def selected(queryset, *counted):
        annotated = queryset.order_by().annotate(row_id=F("pk"), **keys, **dict(counted))
        return annotated.values_list("row_id", *keys, *dict(counted))

    if parts:  # UNION ALL: the parts are disjoint (`search_parts`)
        first, *rest = (selected(part) for part in parts)
        matches, total = first.union(*rest, all=True), "COUNT(*) OVER ()"
    else:  # counted inside: a subquery with a window is not merged into the outer query
        counted = ("total_matches", Window(Count("*")))
        matches, total = selected(licenses, counted), "m.total_matches"
    try:
        sql, params = matches.query.sql_with_params()
    except EmptyResultSet:  # nothing can match: the ORM sends no query
        return [], 0
    order = _order_sql(order_by, lambda i, field: f"m.sort{i}")
    found = rows.fetch_all(
        f"SELECT m.row_id, {total} FROM ({sql}) m ORDER BY {order} LIMIT %s OFFSET %s",
        [*params, stop - start, start],
    )
    return [pk for pk, _ in found], (found[0][1] if found else 0)


def _order_sql(order_by, column) -> str:
    """An ORDER BY list for the ORM's `order_by` fields ("-registered_at", "id"…), each
    field's column given by `column(position, field name)`."""
    return ", ".join(
        f"{column(i, field.lstrip('-'))} {'DESC' if field.startswith('-') else 'ASC'}"
        for i, field in enumerate(order_by)
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache  # written once: the columns come from the models
def _rows_sql() -> str:
    models = (License, Product, ProductVersion, Customer)
    selected = ", ".join(rows.columns(m, a) for m, a in zip(models, "lpvc", strict=True))
    return (
        f"SELECT {selected} FROM {_table(License)} l "
        f"JOIN {_table(Product)} p ON p.id = l.product_id "
        f"JOIN {_table(ProductVersion)} v ON v.id = l.version_id "
        f"LEFT JOIN {_table(Customer)} c ON c.id = l.customer_id "
        "WHERE l.id IN ({})"
    )


@cache
def _groups_sql() -> str:
    return (
        f"SELECT m.license_id, g.id, g.name FROM {_table(Membership)} m "
        f"JOIN {_table(LicenseGroup)} g ON g.id = m.group_id "
        "WHERE m.license_id IN ({}) ORDER BY g.name, g.id"
    )


# Each sort field of `ordering_of` in the terms of `_rows_sql` (same NULL order as the ORM's:
# the database's default).
_ORDER_SQL = {
    "code": "l.code",
    "product__name": "p.name",
    "customer__name": "c.name",
    "care_ends_on": "l.care_ends_on",
    "device_licenses": "l.device_licenses",
    "registered_at": "l.registered_at",
    "id": "l.id",
}


def rows_with_ids(ids: list[int]) -> list:
    """These licenses (ids the caller may see) with their list details, in the order of
    `ids`, for the pages that cut their ids in one pass (`ids_and_total`)."""
    if not ids:
        return []
    found = {lic.pk: lic for lic in _listed(rows.fetch_all(_rows_sql().format(_marks(ids)), ids))}
    return [found[pk] for pk in ids if pk in found]


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _listed(raw_rows) -> list:
    """Licenses with product, version, customer and groups (`listed_groups`) from rows of
    `_rows_sql`, their groups in one more plain query: written once, where building the
    ORM's queries (select_related, prefetch_related) cost more than running them
    (docs/benchmarks.md)."""
    found = {}
    for row in raw_rows:
        lic, lic.product, lic.version, lic.customer = rows.split(
            row, License, Product, ProductVersion, Customer
        )
        lic.listed_groups = []
        found[lic.pk] = lic
    if found:
        ids = list(found)
        for license_id, group_id, name in rows.fetch_all(_groups_sql().format(_marks(ids)), ids):
            found[license_id].listed_groups.append(LicenseGroup(pk=group_id, name=name))
    return list(found.values())


def groups_listed(lic) -> list:
    """A listed license's groups: loaded with the row (`rows_with_ids`) or prefetched."""
    listed = getattr(lic, "listed_groups", None)
    return listed if listed is not None else list(lic.groups.all())


class Listing:
    """A listing of licenses as `queries.find_licenses` finds them, and how its parts are
    read: counted in the pass that sorts them where the matches are few
    (`counted_while_sorted`), from one query per searched column for a License Admin's
    search (`queries.search_parts`). For the Licenses page, the customer and group pages
    (`LicensePaginator`) and the API's lists."""

    def __init__(self, user, params, products=None):
        self.licenses = find_licenses(user, params, products)
        self.one_pass = counted_while_sorted(user, params)
        self.parts = search_parts(user, params, products) if self.one_pass else None

    def rows_and_total(self, start: int, stop: int) -> tuple[list, int | None]:
        """Rows start..stop with their details, and how many there are in all when that
        came in the same pass (None: count apart)."""
        if self.one_pass:
            ids, total = ids_and_total(self.licenses, start, stop, self.parts)
            if ids or start == 0:  # else past the end, where the total is not known
                return rows_with_ids(ids), total
        return rows_between(self.licenses, start, stop), None


class LicensePaginator(Paginator):
    """Pages of a `Listing`. A listing counted apart is counted up to COUNT_CAP matches, or
    past the page asked for if that is further: the License Admin of 100,000 licenses reads
    "more than 10,000" instead of waiting for all of them to be counted, and Next still
    leads on from any page."""

    COUNT_CAP = 10_000

    def __init__(self, listing: Listing, per_page):
        super().__init__(listing.licenses, per_page)
        self.listing = listing
        self.count_limit = self.COUNT_CAP
        self.more_than = None  # the count's limit, when there are more matches than that

    @cached_property
    def count(self):
        found = self.object_list.order_by()[: self.count_limit + 1].count()
        if found > self.count_limit:
            self.more_than = self.count_limit
        return found

    def get_page(self, number):
        try:
            asked = max(int(number), 1)
        except (TypeError, ValueError):
            asked = 1
        self.count_limit = max(self.COUNT_CAP, asked * self.per_page)
        if self.listing.one_pass:
            start = (asked - 1) * self.per_page
            found, total = self.listing.rows_and_total(start, start + self.per_page)
            if total is not None:
                self.count = total
                return self._get_page(found, asked, self)
        return super().get_page(number)  # counts; past the last page, shows the last

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        stop = start + self.per_page
        if stop + self.orphans >= self.count:
            stop = self.count
        return self._get_page(rows_between(self.object_list, start, stop), number, self)
