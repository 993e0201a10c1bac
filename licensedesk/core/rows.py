"""Model instances from plain SQL rows, converted exactly as the ORM converts them.

For the few hot paths (API token lookup, activation) where building an ORM query cost more
than running it: the SQL is written out once, and the rows still become ordinary model
instances with the same Python values the ORM would give (aware datetimes, UUIDs, JSON)."""

from functools import cache

from django.db import connection


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


def instance(model, values):
    """A `model` instance from its columns' raw values (in `columns()` order)."""
    values = list(values)
    for index, expression, functions in _converters(model, connection.vendor):
        value = values[index]
        for function in functions:
            value = function(value, expression, connection)
        values[index] = value
    return model.from_db(connection.alias, [f.attname for f in _fields(model)], values)
