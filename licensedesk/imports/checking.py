"""Checking a sheet against the importer's company: what each row would do (register, update,
leave unchanged) and every error with its row and column. Nothing is written here. Codes,
customers, groups, users and the licenses' current groups and grants are looked up in bulk,
CHUNK rows at a time, never row by row.

A row is the whole truth for its license: `groups` and `visible_to` replace the license's
groups and grants, an empty cell clears, a column the file lacks keeps what is there. Codes
that cannot be registered get the single registration's answer whatever the reason (never
issued, another partner's, another company's), so the import is no oracle."""

import hashlib
import json
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models.functions import Lower

from licensedesk import access
from licensedesk.core import text
from licensedesk.core.errors import ServiceError
from licensedesk.customers.services import clean_name as clean_customer_name
from licensedesk.groups.models import Membership
from licensedesk.imports import reading
from licensedesk.imports.reading import COLUMNS, Sheet
from licensedesk.licenses import codes
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.services import UNAVAILABLE, clean_description

CHUNK = 2000
MAX_GROUP_NAME = 100
NAMES_CHUNK = 500  # names lowered per query (SQLite takes 999 parameters)
NOT_A_CODE = "This is not a license code. It looks like M01-C01-251-01-7K3QF9."
# The export writes "Unspecified" for a license without a customer: read back, it is none
# (unless the company has a customer of that name).
NO_CUSTOMER = "unspecified"
_EMAIL_SEPARATORS = re.compile(r"[;,\s]+")


class Keep:
    """The file has no such column: the license keeps what it has."""

    def __repr__(self):
        return "KEEP"


KEEP = Keep()


@dataclass
class Error:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    """A row without errors and what it does. `customer`, `groups` and `visible_to` hold
    what the license will have (keys of `Plan`'s customers, groups and users; None for no
    customer) or KEEP."""

    number: int
    slc: str
    action: str = ""  # register, update or unchanged
    license_id: int | None = None
    customer: object = KEEP
    description: object = KEEP
    groups: object = KEEP
    visible_to: object = KEEP
    changes: dict = field(default_factory=dict)


@dataclass
class Current:
    """What a license of the company has now."""

    customer_id: int | None
    customer: str | None
    description: str
    groups: dict = field(default_factory=dict)  # id -> name
    users: dict = field(default_factory=dict)  # id -> email


@dataclass
class Plan:
    rows: list[Row]
    errors: list[Error]
    total: int
    columns: tuple = ()
    ignored: list = field(default_factory=list)
    unavailable: int = 0  # codes that cannot be registered (the code-guessing budget)
    # The database's lower name (`same_name_keys`) -> (id or None if new, name)
    customers: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # lower email -> (id, email)
    current: dict = field(default_factory=dict)  # license id -> Current

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def fingerprint(self) -> str:
        """What the preview shows, hashed: the same again means nothing changed since."""
        shown = [[r.number, r.slc, r.action, r.changes] for r in self.rows]
        shown.append([e.as_dict() for e in self.errors])
        data = json.dumps(shown, sort_keys=True, default=str).encode()
        return hashlib.sha256(data).hexdigest()

    def summary(self) -> dict:
        return {
            "rows": self.total,
            "registered": self.count("register"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "errors": [e.as_dict() for e in self.errors],
        }


def check(user, sheet: Sheet, progress=None) -> Plan:
    """The plan of `sheet` for `user`'s company. `progress(done, total)` is told after each
    chunk of rows."""
    plan = Plan(rows=[], errors=[], total=len(sheet.rows), columns=sheet.columns)
    plan.ignored = sheet.ignored
    parsed = [_parse(number, cells, plan.errors) for number, cells in sheet.rows]
    _refuse_duplicates([row for row in parsed if row is not None], plan.errors)
    failed = {e.row for e in plan.errors}
    candidates = [row for row in parsed if row is not None and row.number not in failed]
    for start in range(0, len(candidates), CHUNK):
        _resolve(user, candidates[start : start + CHUNK], plan)
        if progress is not None:
            progress(min(start + CHUNK, len(candidates)), len(candidates))
    plan.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
    failed = {e.row for e in plan.errors}
    plan.rows = [row for row in plan.rows if row.number not in failed]
    return plan


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)


def _parse(number: int, cells: dict, errors: list) -> Row | None:
    """The row's cells checked on their own (text rule, lengths, the code's shape)."""
    row = Row(number=number, slc=codes.normalize(cells.get("slc", "")))

    def fail(column, message):
        errors.append(Error(number, column, message))

    bad_text = False
    for column, value in cells.items():
        found = text.problem(text.normalized(value), multiline=column == "description")
        if found:
            fail(column, f"The text {found}.")
            bad_text = True
    if bad_text:
        return None
    if not row.slc:
        fail("slc", "Enter the license's SLC.")
    elif not codes.is_well_formed(row.slc):
        fail("slc", NOT_A_CODE)
    if "customer" in cells:
        row.customer = _customer_name(cells["customer"], fail)
    if "description" in cells:
        try:
            row.description = clean_description(text.normalized(cells["description"]))
        except ServiceError as exc:
            fail("description", exc.message)
    if "groups" in cells:
        row.groups = _group_names(cells["groups"], fail)
    if "visible_to" in cells:
        emails = [e.lower() for e in _EMAIL_SEPARATORS.split(cells["visible_to"]) if e]
        row.visible_to = tuple(dict.fromkeys(emails))
    return row


def _customer_name(value: str, fail):
    if not value.strip():
        return None
    try:
        return clean_customer_name(value)
    except ServiceError as exc:
        fail("customer", exc.message)
        return None


def _group_names(value: str, fail) -> tuple:
    names = []
    for part in value.split(";"):
        name = " ".join(reading.unneutralised(part.strip()).split())
        if not name:
            continue
        if len(name) > MAX_GROUP_NAME:
            fail("groups", f"The group name {name[:40]}… is too long ({MAX_GROUP_NAME} at most).")
        names.append(name)
    return tuple(dict.fromkeys(names))


def _refuse_duplicates(rows: list[Row], errors: list) -> None:
    seen: dict[str, list[int]] = {}
    for row in rows:
        if row.slc:
            seen.setdefault(row.slc, []).append(row.number)
    for numbers in seen.values():
        if len(numbers) > 1:
            listed = ", ".join(map(str, numbers))
            for number in numbers:
                errors.append(
                    Error(number, "slc", f"This SLC is in the file more than once (rows {listed}).")
                )


def _resolve(user, rows: list[Row], plan: Plan) -> None:
    """Look the chunk's codes, customers, groups and users up (a few queries in all) and
    decide what each row does."""
    ours, registrable = _licenses(user, [row.slc for row in rows])
    plan.current.update(ours.values())
    _current_groups_and_users(ours, plan)
    _names(user, rows, plan)
    for row in rows:
        unknown = [e for e in _listed(row.visible_to) if e not in plan.users]
        if row.slc in ours:
            row.license_id, current = ours[row.slc]
        elif row.slc in registrable:
            row.license_id, current = registrable[row.slc], Current(None, None, "")
        else:
            plan.unavailable += 1
            plan.errors.append(Error(row.number, "slc", UNAVAILABLE))
            continue
        for email in unknown:
            message = f"{email} is not an active License User of your company."
            plan.errors.append(Error(row.number, "visible_to", message))
        if unknown:
            continue
        row.changes = _changes(row, current, plan)
        if row.slc in ours:
            row.action = "update" if row.changes else "unchanged"
        else:
            row.action = "register"
        plan.rows.append(row)


def _listed(value) -> tuple:
    return () if value is KEEP else value


def _licenses(user, slcs: list[str]) -> tuple[dict, dict]:
    """{code: (id, Current)} of the company's licenses among `slcs`, and {code: id} of those
    it may register (not registered, sold to nobody or to this company); any other code is
    the same unknown."""
    ours = {
        code: (pk, Current(customer_id, customer, description))
        for pk, code, customer_id, customer, description in access.licenses_visible_to(user)
        .filter(code__in=slcs)
        .values_list("pk", "code", "customer_id", "customer__name", "description")
    }
    registrable = dict(access.registrable_by(user).filter(code__in=slcs).values_list("code", "pk"))
    return ours, registrable


def _current_groups_and_users(ours: dict, plan: Plan) -> None:
    ids = [pk for pk, _ in ours.values()]
    current = dict(ours.values())
    memberships = Membership.objects.filter(license_id__in=ids).values_list(
        "license_id", "group_id", "group__name"
    )
    for license_id, group_id, name in memberships:
        current[license_id].groups[group_id] = name
    grants = LicenseGrant.objects.filter(license_id__in=ids).values_list(
        "license_id", "user_id", "user__email"
    )
    for license_id, user_id, email in grants:
        current[license_id].users[user_id] = email


def _names(user, rows: list[Row], plan: Plan) -> None:
    """Resolve the chunk's customer and group names (any case) and users' addresses not
    resolved by an earlier chunk; names not found are new (created by the import). A row's
    customer and groups become their keys in `plan.customers` and `plan.groups`."""
    given = {r.customer for r in rows if isinstance(r.customer, str)}
    given.update(n for r in rows for n in _listed(r.groups))
    keys = same_name_keys(given)
    customers = {keys[r.customer]: r.customer for r in rows if isinstance(r.customer, str)}
    groups = {keys[n]: n for r in rows for n in _listed(r.groups)}
    emails = {e for r in rows for e in _listed(r.visible_to)}
    _lookup(access.company_customers(user), "name", customers, plan.customers)
    _lookup(access.groups_visible_to(user), "name", groups, plan.groups)
    found = {}
    _lookup(access.license_users_of(user), "email", {e: e for e in emails}, found)
    plan.users.update({key: value for key, value in found.items() if value[0] is not None})
    for row in rows:
        if isinstance(row.customer, str):
            row.customer = keys[row.customer]
            if row.customer == NO_CUSTOMER and plan.customers[row.customer][0] is None:
                row.customer = None
        if row.groups is not KEEP:
            row.groups = tuple(dict.fromkeys(keys[n] for n in row.groups))


def same_name_keys(names) -> dict:
    """{name: the database's lower(name)}: two customers' or groups' names are the same when
    these are (their unique constraints), which Python's lower() does not tell (SQLite lowers
    ASCII letters only, PostgreSQL by its locale)."""
    names, keys = sorted(names), {}
    with connection.cursor() as cursor:
        for start in range(0, len(names), NAMES_CHUNK):
            chunk = names[start : start + NAMES_CHUNK]
            # Only placeholders go into the text; the names are parameters.
            rows = ", ".join(["(%s)"] * len(chunk))
            sql = f"SELECT column1, LOWER(column1) FROM (VALUES {rows}) AS given"  # noqa: S608
            cursor.execute(sql, chunk)
            keys.update(cursor.fetchall())
    return keys


def _lookup(queryset, field: str, wanted: dict, into: dict) -> None:
    """Put (id, name) of each of `wanted` ({lower: as given}; for names, the database's
    lower, `same_name_keys`) into `into`, (None, as given) for those `queryset` has not."""
    missing = [key for key in wanted if key not in into]
    if not missing:
        return
    found = queryset.annotate(key=Lower(field)).filter(key__in=missing)
    for pk, key, value in found.values_list("pk", "key", field):
        into[key] = (pk, value)
    for key in missing:
        into.setdefault(key, (None, wanted[key]))


def _changes(row: Row, current: Current, plan: Plan) -> dict:
    """{column: [before, after]} (groups and users: what is added and removed) of what the
    row changes."""
    changes = {}
    if row.customer is not KEEP:
        pk, name = plan.customers[row.customer] if row.customer is not None else (None, None)
        if pk != current.customer_id or (pk is None and name is not None):
            changes["customer"] = [current.customer, name]
    if row.description is not KEEP and row.description != current.description:
        changes["description"] = [current.description, row.description]
    if row.groups is not KEEP:
        wanted = [plan.groups[key] for key in row.groups]
        added = sorted(name for pk, name in wanted if pk not in current.groups)
        kept = {pk for pk, _ in wanted}
        removed = sorted(name for pk, name in current.groups.items() if pk not in kept)
        if added or removed:
            changes["groups"] = {"added": added, "removed": removed}
    if row.visible_to is not KEEP:
        wanted = {plan.users[email] for email in row.visible_to}
        granted = sorted(email for pk, email in wanted if pk not in current.users)
        kept = {pk for pk, _ in wanted}
        revoked = sorted(email for pk, email in current.users.items() if pk not in kept)
        if granted or revoked:
            changes["visible_to"] = {"granted": granted, "revoked": revoked}
    return changes
