"""Inserting rows computed from a queryset without fetching them: INSERT … SELECT, the one
statement the ORM cannot write, for set-based writers (Care scan firings, group members)."""

from django.core.exceptions import EmptyResultSet
from django.db import connection


def insert_from(model, queryset, **columns) -> int:
    """Insert into `model`'s table one row per row of `queryset`, each of `columns` (a field
    name of `model`) set to an expression over that row; returns how many rows went in. The
    SELECT is the ORM's own SQL, so it keeps every condition of the queryset (visibility
    included) and runs the same on every database."""
    select = queryset.order_by().values(**{f"_{name}": value for name, value in columns.items()})
    try:
        sql, params = select.query.sql_with_params()
    except EmptyResultSet:  # nothing can match (e.g. an empty list of ids)
        return 0
    fields = [model._meta.get_field(name) for name in columns]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608 (ORM's SQL)
        return cursor.rowcount
