"""Reading a long listing in key-ordered chunks: each chunk is one query that starts right
after the last row of the one before (keyset), so memory stays constant without a
server-side cursor, which a transaction-mode connection pooler does not keep
(`DISABLE_SERVER_SIDE_CURSORS`)."""

from dataclasses import dataclass

from django.db.models import F, Q

CHUNK = 2000


@dataclass(frozen=True)
class Key:
    """One column of a listing's order. `nullable` keys hold NULLs where PostgreSQL's indexes
    hold them by default (last ascending, first descending) unless `nulls_last` says where."""

    field: str
    desc: bool = False
    nullable: bool = False
    nulls_last: bool | None = None

    @property
    def nulls_at_end(self) -> bool:
        return (not self.desc) if self.nulls_last is None else self.nulls_last

    def order(self):
        expression = F(self.field)
        if not self.nullable:
            return expression.desc() if self.desc else expression.asc()
        nulls = {"nulls_last": True} if self.nulls_at_end else {"nulls_first": True}
        return expression.desc(**nulls) if self.desc else expression.asc(**nulls)


def ordering(keys) -> list:
    """The order_by() of `keys`."""
    return [key.order() for key in keys]


def chunks(queryset, keys, size: int | None = None):
    """Lists of at most `size` rows of `queryset` in the order of `keys`, which must order
    the rows completely (end with a unique key, such as the id)."""
    size = size or CHUNK
    names = [f"_chunk_key_{i}" for i in range(len(keys))]
    keyed = queryset.annotate(**{n: F(k.field) for n, k in zip(names, keys, strict=True)})
    keyed = keyed.order_by(*ordering(keys))
    after = Q()
    while True:
        chunk = list(keyed.filter(after)[:size])
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        last = [getattr(chunk[-1], name) for name in names]
        after = after_row(keys, last)


def rows(queryset, keys, size: int | None = None):
    """Every row of `queryset` in the order of `keys`, read a chunk at a time."""
    for chunk in chunks(queryset, keys, size):
        yield from chunk


def after_row(keys, values) -> Q:
    """The rows after the row whose keys hold `values`, in the order of `keys`. The bound on
    the first key alone (`field >= value`) lets PostgreSQL start from the key in an index."""
    key, value, rest = keys[0], values[0], keys[1:]
    field = key.field
    null, not_null = Q(**{f"{field}__isnull": True}), Q(**{f"{field}__isnull": False})
    later = after_row(rest, values[1:]) if rest else _nothing()
    if value is None:
        same = null & later
        return same if key.nulls_at_end else same | not_null
    op, strict = ("lte", "lt") if key.desc else ("gte", "gt")
    same = Q(**{field: value}) & later
    bounded = Q(**{f"{field}__{op}": value}) & (Q(**{f"{field}__{strict}": value}) | same)
    return bounded | null if key.nullable and key.nulls_at_end else bounded


def _nothing() -> Q:
    return Q(pk__in=[])
