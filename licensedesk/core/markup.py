"""Helpers for table rows built as one HTML string (`{% license_row %}`,
`{% installation_row %}`): on long pages the template engine's per-row cost was most of the
rendering (docs/benchmarks.md). Every value goes through `escaped`."""

from functools import cache
from html import escape

from django.urls import reverse


def escaped(value) -> str:
    return escape(str(value), quote=True)


def shortened(text: str, limit: int) -> str:
    """At most `limit` characters, the last one "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cache
def _around(name: str, placeholder) -> tuple[str, str]:
    """(prefix, suffix) of the URL `name` around its one argument, reversed once."""
    prefix, _, suffix = reverse(name, args=[placeholder]).rpartition(str(placeholder))
    return prefix, suffix


def url(name: str, placeholder, value) -> str:
    """reverse(name, args=[value]) for a URL of one argument; `placeholder` is any valid
    value of that argument (its shape: 0 for an id, "SLC" for a code)."""
    prefix, suffix = _around(name, placeholder)
    return f"{prefix}{value}{suffix}"
