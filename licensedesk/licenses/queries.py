"""Finding licenses: one function builds the list for the page, the API and the CSV export,
so all three show exactly the same rows."""

from datetime import date
from functools import cache

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, Window
from django.utils.functional import cached_property

from licensedesk import access
from licensedesk.accounts.models import Role
from licensedesk.care import status as care_status
from licensedesk.catalog.models import Product
from licensedesk.core import rows
from licensedesk.customers.models import Customer
from licensedesk.licenses.models import License

ORDERINGS = {
    "slc": "code",
    "product": "product__name",
    "customer": "customer__name",
    "care_end": "care_ends_on",
    "devices": "device_licenses",
    "registered": "registered_at",
}
DEFAULT_ORDERING = "-registered"


def parse_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def find_licenses(user, params, products=None):
    """The licenses `user` may see, narrowed by `params` (a dict or QueryDict): search,
    customer (an id, or "none" for Unspecified), product (a code or id), care_status,
    care_ends_from and care_ends_until (dates; until excluded), group (an id), ordering (a key
    of ORDERINGS, optionally prefixed with "-"). `products`: the catalog, if the caller has
    it already (the Licenses page loads it for its menu), so a search needn't ask for it."""
    licenses = access.licenses_visible_to(user)
    search = search_of(params)
    if search:
        if user.role == Role.LICENSE_USER:
            # The same rule again, as a set: PostgreSQL then looks for a License User's
            # matches among their grants (5,000 grants, a customer search: 52 ms) instead of
            # walking the company's licenses against the materialised matches (2.4 s).
            licenses = licenses.filter(pk__in=access.granted_license_ids(user))
        licenses = licenses.filter(pk__in=_matching_ids(user.organization_id, search, products))
    customer = params.get("customer")
    if customer == "none":
        licenses = licenses.filter(customer__isnull=True)
    elif parse_int(customer) is not None:
        licenses = licenses.filter(customer_id=parse_int(customer))
    product = str(params.get("product") or "").strip()
    if product:
        licenses = licenses.filter(
            Q(product_id=parse_int(product)) if product.isdigit() else Q(product__code=product)
        )
    status = params.get("care_status")
    if status in care_status.LABELS:
        licenses = licenses.filter(care_status.status_q(status))
    ends_from, ends_until = (
        parse_date(params.get("care_ends_from")),
        parse_date(params.get("care_ends_until")),
    )
    if ends_from:
        licenses = licenses.filter(care_ends_on__gte=ends_from)
    if ends_until:
        licenses = licenses.filter(care_ends_on__lt=ends_until)
    group = parse_int(params.get("group"))
    if group is not None:
        licenses = licenses.filter(memberships__group_id=group)
    return licenses.order_by(*ordering_of(params.get("ordering")))


def search_of(params) -> str:
    """The search term of a listing's parameters, spaces tidied, at most 100 characters."""
    return " ".join(str(params.get("search") or params.get("q") or "").split())[:100]


def parse_date(value):
    try:
        return date.fromisoformat(str(value or "").strip()) if value else None
    except ValueError:
        return None


def _matching_ids(organization_id, search, catalog=None):
    """Ids of the company's licenses whose SLC, description, customer or product name holds
    `search`: one branch per column, so each can use its own (trigram) index instead of one
    OR that reads every license of the company."""
    mine = License.objects.filter(organization_id=organization_id).order_by()
    customers = Customer.objects.filter(organization_id=organization_id, name__icontains=search)
    branches = [
        mine.filter(description__icontains=search).values("pk"),
        mine.filter(customer__in=customers.order_by().values("pk")).values("pk"),
    ]
    # The catalog is a handful of products: match them first. As a subquery, PostgreSQL
    # guessed "one product, a tenth of the licenses" even when none matched, and then walked
    # the whole list in page order to fill a page of one (170 ms instead of 1 ms).
    if catalog is None:
        products = list(Product.objects.filter(name__icontains=search).values_list("pk", flat=True))
    else:
        wanted = search.casefold()
        products = [p.pk for p in catalog if wanted in p.name.casefold()]
    if products:
        branches.append(mine.filter(product__in=products).values("pk"))
    return mine.filter(code__icontains=search).values("pk").union(*branches, all=True)


def ordering_of(key) -> list[str]:
    key = str(key or DEFAULT_ORDERING)
    field = ORDERINGS.get(key.lstrip("-"))
    if field is None:
        key, field = DEFAULT_ORDERING, ORDERINGS[DEFAULT_ORDERING.lstrip("-")]
    desc = key.startswith("-")
    return [f"-{field}" if desc else field, "-id" if desc else "id"]


def with_list_details(licenses):
    """What a list row shows, loaded in a fixed number of queries whatever the page size."""
    from licensedesk.groups.models import LicenseGroup

    return licenses.select_related("product", "version", "customer").prefetch_related(
        Prefetch("groups", queryset=LicenseGroup.objects.only("id", "name").order_by("name"))
    )


def rows_between(licenses, start: int, stop: int) -> list:
    """Rows start..stop of `licenses` (as `find_licenses` gives them) with their list details.
    The page is cut on the licenses alone and only its rows are joined with their product,
    version and customer: given the joined query, PostgreSQL joins every match before
    sorting (2,331 matches of a customer search: 48 ms for a page instead of 24 ms). The
    rows come in the plain queries of `rows_with_ids`, around the ORM's query of the page."""
    try:
        page, params = licenses.values("pk")[start:stop].query.sql_with_params()
    except EmptyResultSet:  # nothing can match (or an empty range): the ORM sends no query
        return []
    order = ", ".join(
        f"{_ORDER_SQL[field.lstrip('-')]} {'DESC' if field.startswith('-') else 'ASC'}"
        for field in licenses.query.order_by
    )
    return _listed(rows.fetch_all(f"{_rows_sql().format(page)} ORDER BY {order}", params))


def counted_while_sorted(user, params) -> bool:
    """Whether a listing's matches are few enough to count them in the pass that sorts them
    (`ids_and_total`): a License User's (at most their grants) and a search's (at most its
    matches). A License Admin's whole list is counted apart, so that its page is read from an
    index in order without visiting the other 100,000 licenses."""
    return user.role == Role.LICENSE_USER or bool(search_of(params))


def ids_and_total(licenses, start: int, stop: int) -> tuple[list[int], int]:
    """The ids of rows start..stop of `licenses` and how many there are in all, in one query
    (`COUNT(*) OVER ()`): one pass over the matches instead of one to count and one to sort
    (a License User's 2,000 granted licenses: 2,000 lookups instead of 4,000). The total is 0
    when the range lies past the end.

    The matches are counted in a subquery without ORDER BY and sorted around it: given the
    ORDER BY and LIMIT in the same query, PostgreSQL walks the company's licenses in index
    order as if it could stop early, which a window over all the matches never can (a License
    User's group of 5,000: 114 ms instead of ~10)."""
    order_by = licenses.query.order_by
    keys = {f"sort{i}": F(field.lstrip("-")) for i, field in enumerate(order_by)}
    matches = licenses.order_by().annotate(row_id=F("pk"), total_matches=Window(Count("*")), **keys)
    try:
        sql, params = matches.values_list("row_id", "total_matches", *keys).query.sql_with_params()
    except EmptyResultSet:  # nothing can match: the ORM sends no query
        return [], 0
    order = ", ".join(
        f"m.sort{i} {'DESC' if field.startswith('-') else 'ASC'}"
        for i, field in enumerate(order_by)
    )
    found = rows.fetch_all(
        f"SELECT m.row_id, m.total_matches FROM ({sql}) m ORDER BY {order} LIMIT %s OFFSET %s",
        [*params, stop - start, start],
    )
    return [pk for pk, _ in found], (found[0][1] if found else 0)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache  # written once: the columns come from the models
def _rows_sql() -> str:
    from licensedesk.catalog.models import ProductVersion

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
    from licensedesk.groups.models import LicenseGroup, Membership

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
    from licensedesk.catalog.models import ProductVersion
    from licensedesk.groups.models import LicenseGroup

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


class LicensePaginator(Paginator):
    """Pages of `find_licenses`, each cut before it is joined (see `rows_between`); with
    `one_pass` (see `counted_while_sorted`), counted in the query that cuts it. Otherwise a
    count stops past COUNT_CAP matches, or past the page asked for if that is further: the
    License Admin of 100,000 licenses reads "more than 10,000" instead of waiting for all
    of them to be counted, and Next still leads on from any page."""

    COUNT_CAP = 10_000

    def __init__(self, object_list, per_page, *, one_pass=False):
        super().__init__(object_list, per_page)
        self.one_pass = one_pass
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
        if not self.one_pass:
            return super().get_page(number)
        start = (asked - 1) * self.per_page
        ids, total = ids_and_total(self.object_list, start, start + self.per_page)
        if not ids and start > 0:  # past the last page: count, then show the last
            return super().get_page(number)
        self.count = total  # 0 when nothing matches
        return self._get_page(rows_with_ids(ids), asked, self)

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        stop = start + self.per_page
        if stop + self.orphans >= self.count:
            stop = self.count
        return self._get_page(rows_between(self.object_list, start, stop), number, self)
