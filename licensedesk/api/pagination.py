"""Pages of every API list: `limit` and `offset` within what a page and a database can take,
so that an absurd value is a 422, not an overflow in the database."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

PER_PAGE = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
