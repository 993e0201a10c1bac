"""Finding licenses: one function builds the list for the page, the API and the CSV export,
so all three show exactly the same rows."""

from datetime import date

from django.db.models import Prefetch, Q

from licensedesk import access
from licensedesk.accounts.models import Role
from licensedesk.care import status as care_status
from licensedesk.catalog.models import Product
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
    licenses = _filtered(user, params)
    search = search_of(params)
    if search:
        # A License User's matches by customer and product are looked for among their grants
        # only: collecting the company's (a product's 33,000 licenses) cost the picker's
        # product search of a License User with 5,000 grants 34 ms of SQL instead of 7. The
        # SLC and description matches still come from their trigram indexes.
        within = access.granted_license_ids(user) if user.role == Role.LICENSE_USER else None
        matching = _matching_ids(user.organization_id, search, products, within)
        licenses = licenses.filter(pk__in=matching)
    return licenses.order_by(*ordering_of(params.get("ordering")))


def search_parts(user, params, products=None) -> list | None:
    """`find_licenses` with a search, as one query per searched column (customer, product,
    SLC, description), each with every other condition and the order, for a License Admin;
    None without a search or for a License User. Their union is the same listing, and a page
    reads each match's sort keys where it finds the match instead of looking every match up
    again by id (`pages.ids_and_total`)."""
    search = search_of(params)
    if not search or user.role != Role.LICENSE_ADMIN:
        # A License User's matches are found among their grants in one query: in parts,
        # each part looked for its own among the company's licenses (a License User's
        # SLC search: 15 → 115 ms).
        return None
    licenses = _filtered(user, params)
    ordering = ordering_of(params.get("ordering"))
    # Without the catalog at hand, the products as a subquery: no query more for the page,
    # and a part has no ORDER BY or LIMIT to be misled by (see _search_conditions).
    conditions = _search_conditions(user.organization_id, search, products, subquery=True)
    # Disjoint: each part leaves out what an earlier part matches, so that their union
    # needs no de-duplication (a product matching 33,000 licenses: 60 → 41 ms). The
    # customer part comes first and the product part next: each is read from its index
    # alone (License.Meta.indexes: the product index carries the customer for this), where
    # leaving out a text match would read each row's text again.
    code, description, customer, *product = conditions
    conditions = [customer, *product, code, description]
    parts, earlier = [], Q()
    for condition in conditions:
        parts.append(licenses.filter(condition & ~earlier).order_by(*ordering))
        earlier |= condition
    return parts


def _filtered(user, params):
    """The licenses `user` may see, narrowed by every parameter but the search."""
    licenses = access.licenses_visible_to(user)
    if search_of(params) and user.role == Role.LICENSE_USER:
        # The same rule again, as a set: PostgreSQL then looks for a License User's matches
        # among their grants (5,000 grants, a customer search: 52 ms) instead of walking the
        # company's licenses against the materialised matches (2.4 s).
        licenses = licenses.filter(pk__in=access.granted_license_ids(user))
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
    return licenses


def search_of(params) -> str:
    """The search term of a listing's parameters, spaces tidied, at most 100 characters."""
    return " ".join(str(params.get("search") or params.get("q") or "").split())[:100]


def parse_date(value):
    try:
        return date.fromisoformat(str(value or "").strip()) if value else None
    except ValueError:
        return None


def _search_conditions(organization_id, search, catalog=None, subquery=False) -> list[Q]:
    """What a search matches: the SLC, the description, the customer's name, the product's
    name, one condition per column, so that each can use its own (trigram) index instead of
    one OR that reads every license of the company."""
    customers = Customer.objects.filter(organization_id=organization_id, name__icontains=search)
    conditions = [
        Q(code__icontains=search),
        Q(description__icontains=search),
        Q(customer__in=customers.order_by().values("pk")),
    ]
    # The catalog is a handful of products: match them first. As a subquery, PostgreSQL
    # guessed "one product, a tenth of the licenses" even when none matched, and then walked
    # the whole list in page order to fill a page of one (170 ms instead of 1 ms).
    if catalog is None and subquery:
        named = Product.objects.filter(name__icontains=search).order_by().values("pk")
        return [*conditions, Q(product__in=named)]
    if catalog is None:
        products = list(Product.objects.filter(name__icontains=search).values_list("pk", flat=True))
    else:
        wanted = search.casefold()
        products = [p.pk for p in catalog if wanted in p.name.casefold()]
    if products:
        conditions.append(Q(product__in=products))
    return conditions


def _matching_ids(organization_id, search, catalog=None, within=None):
    """Ids of the company's licenses that `search` matches (`_search_conditions`); the
    matches by customer and product only among `within` (ids), if given."""
    mine = License.objects.filter(organization_id=organization_id).order_by()
    code, description, *by_id = _search_conditions(organization_id, search, catalog)
    parts = [mine.filter(code), mine.filter(description)]
    among = mine if within is None else mine.filter(pk__in=within)
    parts += [among.filter(condition) for condition in by_id]
    first, *rest = (part.values("pk") for part in parts)
    return first.union(*rest, all=True)


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
