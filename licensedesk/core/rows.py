"""Plain SQL for the few hot paths (API token lookup, activation, status reports, rate
limits) where building an ORM query cost more than running it (docs/benchmarks.md): the SQL is
written out once, and rows still become ordinary model instances with the same Python values
the ORM would give (aware datetimes, UUIDs, JSON)."""

from dataclasses import dataclass
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections


def fetch_one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_all(sql: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def db_value(model, field: str, value):
    """`value` as the database wants it for `model.field` (a UUID is text on SQLite)."""
    return model._meta.get_field(field).get_db_prep_value(value, connection)


@cache
def _fields(model) -> tuple:
    return tuple(model._meta.concrete_fields)


def columns(model, alias: str) -> str:
    """The model's columns for a SELECT, from table alias `alias`, in field order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in _fields(model))


def width(model) -> int:
    return len(_fields(model))


@cache
def _converters(model, vendor: str) -> tuple:
    # What SQLCompiler.get_converters() finds for these columns: the backend's and the field's.
    found = []
    for index, field in enumerate(_fields(model)):
        expression = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if functions:
            found.append((index, expression, functions))
    return tuple(found)


@cache
def _attnames(model) -> list[str]:
    return [f.attname for f in _fields(model)]


def instance(model, values, db=None):
    """A `model` instance from its columns' raw values (in `columns()` order). `db`: the
    connection itself (`connection` is a proxy that looks it up at every attribute: for
    the rows of a page, most of the time of this function)."""
    db = db or connections[DEFAULT_DB_ALIAS]
    converters = _converters(model, db.vendor)
    if converters:
        values = list(values)
        for index, expression, functions in converters:
            value = values[index]
            for function in functions:
                value = function(value, expression, db)
            values[index] = value
    return model.from_db(db.alias, _attnames(model), values)


def split(row, *models) -> list:
    """Instances of `models` from a row that holds their `columns()` one after the other;
    None for a model whose columns are all NULL (the missing side of a LEFT JOIN)."""
    db = connections[DEFAULT_DB_ALIAS]
    found, start = [], 0
    for model in models:
        stop = start + width(model)
        values = row[start:stop]
        start = stop
        found.append(None if all(v is None for v in values) else instance(model, values, db))
    return found


@cache
def _insert_sql(model, vendor: str) -> tuple[str, tuple]:
    quote = connection.ops.quote_name
    fields = tuple(f for f in _fields(model) if not f.primary_key)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        f" RETURNING {quote(model._meta.pk.column)}",
        fields,
    )


@dataclass(frozen=True)
class Write:
    """One INSERT, UPDATE or DELETE for `write_together`; `returns`: it ends with a
    RETURNING of one column, and writes one row."""

    sql: str
    params: list
    returns: bool = False


def insert_of(obj) -> Write:
    """The INSERT … RETURNING pk of the new instance `obj`, its values prepared as
    Model.save() prepares them (defaults, auto_now_add, JSON)."""
    sql, fields = _insert_sql(type(obj), connection.vendor)
    return Write(sql, [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields], True)


def write_together(*writes: Write) -> list:
    """Run `writes` in one round trip on PostgreSQL: one statement of data-modifying CTEs,
    which all see the database as it was before the statement, so no write may depend on
    another's effect (each runs exactly once, to completion). Elsewhere one after the other.
    Returns the value each write with `returns` gave (None for the others)."""
    if not writes:
        return []
    if connection.vendor != "postgresql":
        found = []
        for write in writes:
            if write.returns:
                found.append(fetch_one(write.sql, write.params)[0])
            else:
                execute(write.sql, write.params)
                found.append(None)
        return found
    ctes = ", ".join(f"w{i} AS ({write.sql})" for i, write in enumerate(writes))
    selected = ", ".join(
        f"(SELECT * FROM w{i})" if write.returns else "NULL" for i, write in enumerate(writes)
    )
    return list(
        fetch_one(
            f"WITH {ctes} SELECT {selected}",
            [param for write in writes for param in write.params],
        )
    )


def save_new(*objs, also: tuple[Write, ...] = ()) -> None:
    """Save the new instances `objs` with one plain INSERT each (both databases), in one
    round trip with the writes `also` on PostgreSQL (`write_together`): for rows written on
    the hot paths, where building the ORM's INSERT cost more than running it, and each round
    trip costs both sides CPU. No signals are sent (the project has no receivers for these
    models)."""
    found = write_together(*also, *(insert_of(obj) for obj in objs))
    for obj, pk in zip(objs, found[len(also) :], strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
