"""Searching licenses by what the list shows of them. Each license keeps a search document:
its SLC, product and version as displayed, customer, description and group names, folded
(`folded`). A search matches a license when every one of its words is in the document, so
"Corporate 2025 R2" or "Olaf radiology" match across fields.

The document is kept by the code that writes what it holds: every service that changes a
license's customer or description, a customer's name, a group's name or licenses, or the
catalog's names calls `refresh` for the licenses it touched, in the same transaction."""

import unicodedata

from django.db.models import QuerySet

from licensedesk.groups.models import Membership
from licensedesk.licenses.models import License

MAX_WORDS = 10
CHUNK = 2000
# Letters that are no accented letter to Unicode, written without their stroke by those
# whose keyboards lack them.
_PLAIN = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d"})


def folded(text) -> str:
    """`text` as documents and searches hold it: case folded, accents dropped ("Müller",
    "MULLER" and "muller" are the same; "Sørensen" and "Sorensen"), one space between
    words."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").casefold().translate(_PLAIN))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def words_of(search) -> list[str]:
    """The distinct words of a search, folded, at most MAX_WORDS."""
    return list(dict.fromkeys(folded(search).split()))[:MAX_WORDS]


def matching(licenses: QuerySet, search) -> QuerySet:
    """The licenses of `licenses` whose document holds every word of `search`."""
    for word in words_of(search):
        licenses = licenses.filter(search_document__contains=word)
    return licenses


def document(code, product, version, customer, description, groups=()) -> str:
    """The search document of a license: its texts as the list shows them, folded."""
    return folded(" ".join(filter(None, [code, product, version, customer, description, *groups])))


def refresh(licenses: QuerySet) -> int:
    """Rebuild the documents of `licenses` (any queryset of licenses) from what they hold now;
    returns how many changed. Read and written CHUNK licenses at a time, in id order."""
    ids = licenses.order_by("pk").values_list("pk", flat=True)
    changed, after = 0, 0
    while chunk := list(ids.filter(pk__gt=after)[:CHUNK]):
        changed += _refresh_ids(chunk)
        after = chunk[-1]
    return changed


def refresh_ids(ids) -> int:
    """`refresh` the licenses of these ids."""
    ids = sorted(set(ids))
    return sum(_refresh_ids(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK))


def _refresh_ids(ids: list[int]) -> int:
    groups: dict[int, list[str]] = {}
    memberships = Membership.objects.filter(license_id__in=ids).order_by("group__name", "group_id")
    for license_id, name in memberships.values_list("license_id", "group__name"):
        groups.setdefault(license_id, []).append(name)
    stale = []
    texts = License.objects.filter(pk__in=ids).values_list(
        "pk",
        "code",
        "product__name",
        "version__name",
        "customer__name",
        "description",
        "search_document",
    )
    for pk, code, product, version, customer, description, current in texts:
        new = document(code, product, version, customer, description, groups.get(pk, ()))
        if new != current:
            stale.append(License(pk=pk, search_document=new))
    License.objects.bulk_update(stale, ["search_document"], batch_size=500)
    return len(stale)
