from django.core.paginator import Paginator
from django.db.models import Count, Q, Window
from django.utils import timezone

from licensedesk import access
from licensedesk.api.pagination import MAX_OFFSET
from licensedesk.core.ids import parse_id
from licensedesk.exports import chunks
from licensedesk.monitoring import device_licenses
from licensedesk.monitoring.models import State


def find_installations(user, params):
    """Installations the user may see, with their health, filtered by state, device licenses
    (`devices`: device_licenses.FILTERS), customer, group and search; "worst first" (the
    default) puts Critical and Offline on top."""
    installations = access.installations_visible_to(user).select_related(
        "license", "license__customer", "license__product", "health", "maintenance"
    )
    state = params.get("state")
    if state == "unmonitored":
        installations = installations.filter(health__isnull=True)
    elif state in State.values:
        installations = installations.filter(health__state=state)
    devices = device_licenses.filter_q(str(params.get("devices") or ""), timezone.now())
    if devices is not None:
        installations = installations.filter(devices)
    customer = parse_id(params.get("customer"))
    if customer:
        installations = installations.filter(license__customer_id=customer)
    group = parse_id(params.get("group"))
    if group:
        installations = installations.filter(license__memberships__group_id=group)
    search = " ".join(str(params.get("search") or "").split())[:100]
    if search:
        installations = installations.filter(
            Q(hostname__icontains=search)
            | Q(license__code__icontains=search)
            | Q(license__customer__name__icontains=search)
        )
    return installations.order_by(*chunks.ordering(order_keys(params)))


def order_keys(params) -> tuple[chunks.Key, ...]:
    """The Installations page's order: by host name, or "worst first" (the default)."""
    if params.get("ordering") == "hostname":
        return HOSTNAME_ORDER
    return WORST_FIRST


HOSTNAME_ORDER = (chunks.Key("hostname"), chunks.Key("id"))
WORST_FIRST = (
    chunks.Key("health__severity", nullable=True),
    chunks.Key("health__last_report_at", desc=True, nullable=True, nulls_last=True),
    *HOSTNAME_ORDER,
)


FILTERS = ("state", "devices", "customer", "group", "search")


def page_of_installations(user, params, number, per_page: int):
    """Page `number` of `find_installations` (a Paginator page holding its installations with
    their relations) and how many installations `user` sees in each state (None: not
    monitored) and in all, for the state cards. Unfiltered, the cards and the page's ids
    come from one walk of the installations (`COUNT(…) FILTER (…) OVER ()`); filtered, or
    past the end, the cards are counted apart. The page is cut on ids, then only its rows
    are loaded."""
    installations = find_installations(user, params)
    number = _page_number(number)
    filtered = any(params.get(key) for key in FILTERS)
    ids, counts = None, None
    if not filtered:
        start = (number - 1) * per_page
        ids, counts = _ids_and_counts(installations, start, start + per_page)
    paginator = Paginator(installations.values_list("pk", flat=True), per_page)
    if counts is None:
        counts = _counts_by_state(user)
    if not filtered:
        paginator.count = counts["all"]
    page = paginator.get_page(number)
    if ids is None:
        ids = list(page.object_list)
    by_id = {row.pk: row for row in _listed(user, ids)}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page, counts


def _listed(user, ids) -> list:
    """These installations, as far as `user` may see them, with what a row of the page shows:
    their health, license and customer."""
    return list(
        access.installations_visible_to(user)
        .filter(pk__in=ids)
        .select_related("health", "license", "license__customer", "maintenance")
    )


def _page_number(value) -> int:
    """A page number from the URL; past any database's reach counts as past the end."""
    return min(parse_id(value) or 1, MAX_OFFSET)


def _ids_and_counts(installations, start: int, stop: int):
    """The ids of rows start..stop and the counts by state and in all, in one query; counts
    None when the range lies past the end."""
    counted = {
        f"n_{state}": Window(Count("pk", filter=Q(health__state=state))) for state in State.values
    }
    found = list(
        installations.annotate(
            n_all=Window(Count("pk")),
            n_none=Window(Count("pk", filter=Q(health__isnull=True))),
            **counted,
        ).values_list("pk", "n_all", "n_none", *counted)[start:stop]
    )
    if not found:
        return None, None
    _, total, unmonitored, *per_state = found[0]
    counts = dict(zip(State.values, per_state, strict=True))
    counts[None] = unmonitored
    counts["all"] = total
    return [row[0] for row in found], counts


def _counts_by_state(user) -> dict:
    counts = dict(
        access.installations_visible_to(user)
        .values_list("health__state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts["all"] = sum(counts.values())
    return counts
