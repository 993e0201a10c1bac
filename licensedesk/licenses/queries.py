"""Finding licenses: one function builds the list for the page, the API and the CSV export,
so all three show exactly the same rows."""

from datetime import date, datetime, time

from django.db.models import F, OrderBy, Prefetch, Q
from django.utils import timezone

from licensedesk import access
from licensedesk.care import status as care_status
from licensedesk.care import tiers
from licensedesk.core.ids import parse_id
from licensedesk.licenses import search

ORDERINGS = {
    "slc": "code",
    "product": "product__name",
    "customer": "customer__name",
    "care_plus_end": "care_plus_ends_on",
    "care_premium_end": "care_premium_ends_on",
    "devices": "device_licenses",
    "registered": "registered_at",
}
DEFAULT_ORDERING = "-registered"


def find_licenses(user, params, groups=None):
    """The licenses `user` may see, narrowed by `params` (a dict or QueryDict): search (every
    word somewhere in what the list shows, `search.matching`), customer (an id, or "none" for
    Unspecified), product (a code or id), care_status, care_ends_from and care_ends_until (of
    either Care tier, or of the one care_tier names: plus or premium), registered_from and
    registered_until (dates; until excluded), group (an id), ordering (a key of ORDERINGS,
    optionally prefixed with "-"). `groups`: the company's groups (with pk
    and name), if the caller has them already (the Licenses page loads them for its menu), so
    a search needn't ask."""
    licenses = _filtered(user, params)
    words = search_of(params)
    if words:
        if groups is None:
            groups = access.groups_visible_to(user).values_list("pk", "name")
        licenses = search.matching(licenses, words, _pairs(groups))
    return licenses.order_by(*ordering_of(params.get("ordering")))


def _pairs(groups):
    """(pk, name) of groups given as models, menu choices or value lists."""
    return [(g.pk, g.name) if hasattr(g, "pk") else tuple(g) for g in groups]


def _filtered(user, params):
    """The licenses `user` may see, narrowed by every parameter but the search."""
    licenses = access.licenses_visible_to(user)
    customer = params.get("customer")
    if customer == "none":
        licenses = licenses.filter(customer__isnull=True)
    elif parse_id(customer) is not None:
        licenses = licenses.filter(customer_id=parse_id(customer))
    product = str(params.get("product") or "").strip()
    if product:
        licenses = licenses.filter(
            Q(product_id=parse_id(product)) if parse_id(product) else Q(product__code=product)
        )
    tier = tiers.tier_of(params.get("care_tier"))
    status = params.get("care_status")
    if status in care_status.LABELS:
        licenses = licenses.filter(tiers.status_q(status, tier))
    ends_from, ends_until = (
        parse_date(params.get("care_ends_from")),
        parse_date(params.get("care_ends_until")),
    )
    if ends_from or ends_until:
        licenses = licenses.filter(tiers.ends_between_q(ends_from, ends_until, tier))
    registered_from = parse_date(params.get("registered_from"))
    registered_until = parse_date(params.get("registered_until"))
    if registered_from:
        licenses = licenses.filter(registered_at__gte=start_of_day(registered_from))
    if registered_until:
        licenses = licenses.filter(registered_at__lt=start_of_day(registered_until))
    group = parse_id(params.get("group"))
    if group is not None:
        licenses = licenses.filter(memberships__group_id=group)
    return licenses


DATE_RANGES = (
    ("care_ends_from", "care_ends_until", "whose Care ends"),
    ("registered_from", "registered_until", "registered"),
)


def date_ranges(params) -> list[dict]:
    """The date ranges `params` narrow the list by (the links of the Dashboard and the Care
    overview), said in words, with their parameters for the filter form to keep."""
    ranges = []
    tier = tiers.tier_of(params.get("care_tier"))
    for start_key, end_key, what in DATE_RANGES:
        if start_key == "care_ends_from" and tier:
            what = f"whose {tiers.LABELS[tier]} ends"
        start, end = parse_date(params.get(start_key)), parse_date(params.get(end_key))
        if not (start or end):
            continue
        bounds = [f"on or after {start.isoformat()}"] if start else []
        bounds += [f"before {end.isoformat()}"] if end else []
        kept = {key: day.isoformat() for key, day in ((start_key, start), (end_key, end)) if day}
        ranges.append({"text": f"{what} {' and '.join(bounds)}", "params": kept})
    return ranges


def search_of(params) -> str:
    """The search term of a listing's parameters, spaces tidied, at most 100 characters."""
    return " ".join(str(params.get("search") or params.get("q") or "").split())[:100]


def parse_date(value):
    try:
        return date.fromisoformat(str(value or "").strip()) if value else None
    except ValueError:
        return None


def start_of_day(day: date) -> datetime:
    """Midnight starting `day` in the site's time zone: a bound the registration-time index
    can use (a cast of every row to a date could not)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def sort_of(key) -> tuple[str, bool]:
    """The field a listing's `ordering` key sorts by, and whether it sorts descending."""
    key = str(key or DEFAULT_ORDERING)
    field = ORDERINGS.get(key.lstrip("-"))
    if field is None:
        key, field = DEFAULT_ORDERING, ORDERINGS[DEFAULT_ORDERING.lstrip("-")]
    return field, key.startswith("-")


def ordering_of(key) -> list[OrderBy]:
    """A listing's order (`sorted_by` its `ordering` key)."""
    return sorted_by(*sort_of(key))


def sorted_by(field: str, desc: bool, tie: str = "id") -> list[OrderBy]:
    """`field`, then `tie` (the id) to break ties; NULLs last ascending and first descending
    on both databases (as PostgreSQL's indexes hold them), so that the export's chunks
    (`export.py`) can say what comes after a row."""
    if desc:
        return [F(field).desc(nulls_first=True), F(tie).desc()]
    return [F(field).asc(nulls_last=True), F(tie).asc()]


def with_list_details(user, licenses):
    """What a list row shows, loaded in a fixed number of queries whatever the page size."""
    groups = access.groups_visible_to(user).only("id", "name").order_by("name", "id")
    return licenses.select_related("product", "version", "customer").prefetch_related(
        Prefetch("groups", queryset=groups)
    )
