"""The export of the License groups page: one row per group and license of it that the user
sees (a group holds thousands: a cell listing them all would pass a spreadsheet's 32,767
characters), and one row with an empty SLC for a group of none the user sees."""

from typing import NamedTuple

from django.db.models import F

from licensedesk import access
from licensedesk.exports import chunks as keyset
from licensedesk.exports.formats import INT, Column, Table
from licensedesk.groups import queries
from licensedesk.groups.models import LicenseGroup, Membership

GROUP_KEYS = (keyset.Key("name"), keyset.Key("id"))
# The groups' order, then the SLC: memberships come in the order of their groups.
MEMBER_KEYS = (keyset.Key("group__name"), keyset.Key("group_id"), keyset.Key("license__code"))


class GroupRow(NamedTuple):
    group: LicenseGroup
    slc: str | None


COLUMNS = (
    Column("group_id", lambda row: row.group.pk, INT),
    Column("group", lambda row: row.group.name),
    Column("description", lambda row: row.group.description),
    Column("slc", lambda row: row.slc, nullable=True),
)


def group_chunks(user, params):
    """Chunks of (group, SLC) rows, by group name then SLC: for each chunk of groups, their
    memberships of licenses the user sees, read a chunk at a time beside them."""
    search = params.get("q") or params.get("search") or ""
    groups = queries.searched(access.groups_visible_to(user), search)
    seen = access.licenses_visible_to(user)
    rows = []
    for chunk in keyset.chunks(groups.only("id", "name", "description"), GROUP_KEYS):
        members = Membership.objects.filter(group__in=[g.pk for g in chunk], license__in=seen)
        slcs = keyset.rows(members.annotate(slc=F("license__code")).only("group_id"), MEMBER_KEYS)
        member = next(slcs, None)
        for group in chunk:
            found = False
            while member is not None and member.group_id == group.pk:
                rows.append(GroupRow(group, member.slc))
                found, member = True, next(slcs, None)
            if not found:
                rows.append(GroupRow(group, None))
            if len(rows) >= keyset.CHUNK:
                yield rows
                rows = []
    if rows:
        yield rows


TABLE = Table("license-groups", COLUMNS, group_chunks)
