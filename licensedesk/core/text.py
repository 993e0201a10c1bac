"""The one rule for text that people and programs send: no NUL and no control characters
(PostgreSQL cannot store NUL, SQLite would store it silently, and neither belongs in a name);
tab and line feed only where text has several lines; CR LF and a lone CR become LF."""

import re

from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

# Every C0 control character but tab, line feed and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalized(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def problem(value: str, multiline: bool = True) -> str | None:
    """What is wrong with `value` (after `normalized`), or None."""
    if "\x00" in value:
        return "must not contain NUL characters"
    if _CONTROL.search(value):
        return "must not contain control characters"
    if not multiline and ("\n" in value or "\r" in value):
        return "must be a single line"
    return None


def first_problem(data, path=()) -> tuple[tuple, str] | None:
    """The first string in decoded JSON `data` that breaks the rule (multi-line allowed: the
    schemas say which fields are single lines), with its location."""
    if isinstance(data, str):
        found = problem(data)
        return (path, found) if found else None
    if isinstance(data, dict):
        for key, value in data.items():
            found = first_problem(str(key), (*path, key)) or first_problem(value, (*path, key))
            if found:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = first_problem(value, (*path, index))
            if found:
                return found
    return None


def normalize_all(data):
    """`data` (decoded JSON) with every string's line ends normalized."""
    if isinstance(data, str):
        return normalized(data)
    if isinstance(data, dict):
        return {key: normalize_all(value) for key, value in data.items()}
    if isinstance(data, list):
        return [normalize_all(value) for value in data]
    return data


def same_name(name: str, field: str = "name") -> Exact:
    """A filter: `field` is `name` in any case, as the database lowers them. The unique
    constraints on names compare `Lower(name)`; iexact compares UPPER on PostgreSQL, which
    disagrees for some letters (a dotted capital I), so a name it missed failed the insert."""
    return Exact(Lower(field), Lower(Value(name)))
