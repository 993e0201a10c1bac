"""Database ids as they arrive from outside (URLs, query strings, JSON): whole numbers from 1
to 2^63 - 1, the range both databases store. Anything else is no id: a 404 in a path, a 422
in a body, ignored in a filter. Without the bound, SQLite raised OverflowError (a 500)."""

from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def parse_id(value) -> int | None:
    """`value` as an id, or None (not ASCII digits, 0, or past MAX_ID)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None  # str.isdigit() alone takes "²", which int() then refuses
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """`<id:name>` in URLs: 1 to 18 digits, always within MAX_ID; a longer number is 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
