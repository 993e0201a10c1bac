"""Pages of licenses as `queries.find_licenses` lists them, each row with what the list shows
of it (product, version, customer, groups): for the Licenses page, the customer and group
pages and the API's lists."""

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property

from licensedesk import access
from licensedesk.accounts.models import Role
from licensedesk.api.pagination import MAX_OFFSET
from licensedesk.core.ids import parse_id
from licensedesk.licenses.queries import find_licenses, search_of, with_list_details


class Listing:
    """The licenses `user` may see, narrowed and ordered by `params` (`find_licenses`)."""

    def __init__(self, user, params, groups=None):
        self.user = user
        self.licenses = find_licenses(user, params, groups)
        # Few enough matches to count them all, in the pass that sorts them: a License
        # User's (at most their grants), a search's. A License Admin's whole list is counted
        # apart, up to a cap (LicensePaginator), so that its page is read in index order.
        self.searched = bool(search_of(params))
        self.counted_whole = user.role == Role.LICENSE_USER or self.searched

    def rows(self, start: int, stop: int) -> list:
        """Rows start..stop with their list details."""
        return self._rows(self.licenses.values("pk")[start:stop]) if stop > start else []

    def count_up_to(self, limit: int) -> int:
        """How many match, counted no further than `limit`: the database stops at the
        `limit`-th match instead of reading every one of a broad search."""
        return self.licenses.order_by()[:limit].count()

    def rows_and_total(self, start: int, stop: int) -> tuple[list, int | None]:
        """Rows start..stop, and how many match in all if the listing is counted whole;
        None for a License Admin's whole list, or past the end, where it is not known."""
        if not self.counted_whole:
            return self.rows(start, stop), None
        counted = self.licenses.annotate(total=Window(Count("*")))
        # Filtering on the window makes Django count in a subquery and sort outside it: with
        # ORDER BY and LIMIT beside the count, PostgreSQL walks the licenses in index order
        # as if it could stop early, which a count of all the matches never can.
        found = list(counted.filter(total__gt=0).values_list("pk", "total")[start:stop])
        if not found:
            return [], (0 if start == 0 else None)
        return self._rows([pk for pk, _ in found]), found[0][1]

    def _rows(self, ids) -> list:
        """The licenses `ids` (a page of this listing) with product, version and customer
        joined and their groups: only the page's rows are joined, as PostgreSQL would join
        every match of a search before sorting them."""
        rows = access.licenses_visible_to(self.user).filter(pk__in=ids)
        return list(with_list_details(self.user, rows).order_by(*self.licenses.query.order_by))


class LicensePaginator(Paginator):
    """Pages of a `Listing`. A License Admin's whole list is counted up to COUNT_CAP
    matches, or past the page asked for if that is further: the License Admin of 100,000
    licenses reads "more than 10,000" instead of waiting for all of them to be counted, and
    Next still leads on from any page."""

    COUNT_CAP = 10_000

    def __init__(self, listing: Listing, per_page):
        super().__init__(listing.licenses, per_page)
        self.listing = listing
        self.count_limit = self.COUNT_CAP
        self.more_than = None  # the count's limit, when there are more matches than that

    @cached_property
    def count(self):
        if self.listing.counted_whole:  # only past the last page (get_page)
            return self.object_list.count()
        found = self.object_list.order_by()[: self.count_limit + 1].count()
        if found > self.count_limit:
            self.more_than = self.count_limit
        return found

    def get_page(self, number):
        # Past the last page shows the last; a page beyond any database's reach is refused
        # the same way rather than counted up to (a 500 on SQLite's 64-bit integers).
        asked = min(parse_id(number) or 1, MAX_OFFSET // self.per_page)
        self.count_limit = max(self.COUNT_CAP, asked * self.per_page)
        if self.listing.counted_whole:
            start = (asked - 1) * self.per_page
            found, total = self.listing.rows_and_total(start, start + self.per_page)
            if found or asked == 1:  # else past the end
                self.count = total
                return self._get_page(found, asked, self)
        return super().get_page(asked)  # counts; past the last page, shows the last

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        stop = min(start + self.per_page, self.count)
        return self._get_page(self.listing.rows(start, stop), number, self)
