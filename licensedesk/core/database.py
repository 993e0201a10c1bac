"""Where PostgreSQL and SQLite are worth treating differently: the one place application code
may ask which database it runs on. Everything else is the ORM, the same on both."""

from collections.abc import Iterable, Sequence

from django.db import connections, router


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert new rows of `model`: `fields` names every column but the primary key (a foreign
    key by its field's name, its value an id), each row holds their values in that order, as
    the database driver takes them (text, numbers, datetimes; no JSON, no defaults applied).
    PostgreSQL takes them by COPY, several times faster than INSERT for the thousands of
    devices of a large license request (docs/benchmarks.md); elsewhere bulk_create. Raises
    IntegrityError as the ORM does."""
    db = connections[router.db_for_write(model)]
    columns = [model._meta.get_field(name) for name in fields]
    wanted = {field.column for field in model._meta.concrete_fields if not field.primary_key}
    if {field.column for field in columns} != wanted:
        raise ValueError(f"insert_rows needs every column of {model.__name__} but its key")
    if db.vendor != "postgresql":
        attnames = [field.attname for field in columns]
        model._default_manager.using(db.alias).bulk_create(
            [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        )
        return
    table = db.ops.quote_name(model._meta.db_table)
    names = ", ".join(db.ops.quote_name(field.column) for field in columns)
    with (
        db.cursor() as cursor,
        db.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
