from django.db.models import Count, Q

from licensedesk import access
from licensedesk.licenses import codes

# Codes looked up per query when picks are put back (within every database's parameter limit).
PICKS_PER_QUERY = 1000


def find_groups(user, search=""):
    """The company's groups, each with the number of its licenses the user may see; searched
    by name and description."""
    groups = searched(access.groups_visible_to(user), search)
    visible = access.license_visible_q(user, "memberships__license")
    return groups.annotate(
        license_count=Count("memberships", filter=visible, distinct=True)
    ).order_by("name", "id")


def searched(groups, search=""):
    """`groups` whose name or description holds `search`."""
    search = " ".join(str(search or "").split())[:100]
    if search:
        groups = groups.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return groups


def picks_to_restore(user, data) -> dict:
    """What the picker had picked in a posted group form that was refused (an empty name): the
    licenses to add and to remove, as rows like the licenses API's, so the picker shows them
    again. Codes of licenses the user does not see are left out, as the page names none."""
    added, removed = (
        list(dict.fromkeys(codes.normalize(c) for v in data.getlist(key) for c in v.split()))
        for key in ("add", "remove")
    )
    seen = _visible_by_code(user, added + removed)
    return {
        "add": [_row(seen[code]) for code in added if code in seen],
        "remove": [_row(seen[code]) for code in removed if code in seen],
    }


def _visible_by_code(user, slcs) -> dict:
    visible = access.licenses_visible_to(user).select_related("product", "version", "customer")
    found = {}
    for start in range(0, len(slcs), PICKS_PER_QUERY):
        chunk = slcs[start : start + PICKS_PER_QUERY]
        found.update((lic.code, lic) for lic in visible.filter(code__in=chunk))
    return found


def _row(lic) -> dict:
    return {
        "slc": lic.code,
        "product": {"name": lic.product.name},
        "version": lic.version.name,
        "customer": {"name": lic.customer.name} if lic.customer_id else None,
        "description": lic.description,
        "groups": [],
    }
