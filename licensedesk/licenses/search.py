"""Searching licenses by what the list shows of them: a search matches a license when each
of its words is somewhere in the license's SLC, product and version as displayed, customer,
description or group names, so "Corporate 2025 R2" or "Olaf radiology" match across fields.

Each license keeps a search document of its own texts (all but its groups), folded
(`folded`), which PostgreSQL looks words up in with a trigram index. It is kept by the code
that writes what it holds: every service that changes a license's customer or description, a
customer's name, or the catalog's names calls `refresh` for the licenses it touched, in the
same transaction. Group names are matched through the memberships instead: a group of
10,000 licenses, made or renamed, would otherwise rewrite 10,000 documents."""

import unicodedata

from django.db.models import Exists, OuterRef, Q, QuerySet

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


def matching(licenses: QuerySet, search, groups) -> QuerySet:
    """The licenses of `licenses` that every word of `search` matches, in their document or
    in the name of one of their `groups` ((id, name) of the groups the words may name: the
    company's). Only the words that name a group are looked for among memberships: the
    others stay conditions on the document alone, which its index answers."""
    named = [(pk, folded(name)) for pk, name in groups]
    for word in words_of(search):
        condition = Q(search_document__contains=word)
        in_groups = [pk for pk, name in named if word in name]
        if in_groups:
            members = Membership.objects.filter(license_id=OuterRef("pk"), group_id__in=in_groups)
            condition |= Q(Exists(members))
        licenses = licenses.filter(condition)
    return licenses


def document(code, product, version, customer, description) -> str:
    """The search document of a license: its texts as the list shows them, folded."""
    return folded(" ".join(filter(None, [code, product, version, customer, description])))


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
        new = document(code, product, version, customer, description)
        if new != current:
            stale.append(License(pk=pk, search_document=new))
    License.objects.bulk_update(stale, ["search_document"], batch_size=500)
    return len(stale)
