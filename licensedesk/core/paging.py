"""Counting no further than a page needs: the back office lists a million licenses, and a
full COUNT(*) on every load would cost more than the page itself."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at COUNT_CAP + 1 (`capped` then says that more match):
    the pages past the cap are not offered."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    cap = COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP
