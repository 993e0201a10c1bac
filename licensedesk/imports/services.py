"""Importing license registrations from a spreadsheet: a dry run (what each row would do),
and the import itself, checked again and applied in one transaction. Called by the API
(synchronous) and by the web pages (`uploads`)."""

from dataclasses import dataclass

from django.db import transaction

from licensedesk import access
from licensedesk.accounts.models import Organization
from licensedesk.audit.services import record
from licensedesk.core import ratelimit
from licensedesk.imports import applying, checking, reading
from licensedesk.imports.checking import Plan
from licensedesk.imports.reading import Sheet
from licensedesk.licenses import codes

# Codes that cannot be registered count against the company as failed registrations do
# (code guessing). A file's rows are taken before its codes are looked at and the good ones
# given back, so that concurrent files cannot all pass (docs/formats.md).
FAILED_CODES = ratelimit.Limit(capacity=reading.MAX_ROWS, per_seconds=3600)
# Files per user (the activation uploads' limit).
UPLOADS = ratelimit.Limit(capacity=60, per_seconds=60)
LOCK_CHUNK = 2000


def require_importer(user) -> None:
    if not access.can_import_licenses(user):
        access.refuse("import_licenses", "Only License Admins import licenses.")


def take_upload(user) -> None:
    ratelimit.consume("upload", str(user.pk), UPLOADS)


@dataclass
class Outcome:
    plan: Plan
    applied: bool = False
    changed: bool = False  # the plan is not the one previewed: nothing applied

    def report(self, dry_run: bool) -> dict:
        """The API's answer: what was (or, in a dry run, would be) done, and every error."""
        summary = self.plan.summary()
        if not dry_run and not self.applied:
            summary.update(registered=0, updated=0, unchanged=0)
        return {**summary, "dry_run": dry_run, "applied": self.applied}


def dry_run(user, sheet: Sheet, progress=None) -> Plan:
    """What importing `sheet` would do, with every error; changes nothing but the company's
    budget of codes that cannot be registered."""
    require_importer(user)
    return charged(user, sheet, lambda: checking.check(user, sheet, progress))


def charged(user, sheet: Sheet, work):
    """`work()` (a Plan or an Outcome) with the file's rows taken from the company's budget
    of codes that cannot be registered first, and given back but for those."""
    cost, key = len(sheet.rows), str(user.organization_id)
    if cost:
        ratelimit.consume("import-codes", key, FAILED_CODES, cost=cost)
    try:
        done = work()
    except BaseException:
        # Nothing was imported nor said about the codes: all of them are given back.
        if cost:
            ratelimit.give_back("import-codes", key, FAILED_CODES, cost=cost)
        raise
    plan = done if isinstance(done, Plan) else done.plan
    if cost - plan.unavailable:
        ratelimit.give_back("import-codes", key, FAILED_CODES, cost=cost - plan.unavailable)
    return done


@transaction.atomic
def import_sheet(
    user, sheet: Sheet, *, partial: bool, filename: str, expected=None, ip=None, agent=""
) -> Outcome:
    """Check `sheet` again under locks and apply it: all of it, or (`partial`) its valid rows
    only. With `expected` (a previewed plan's fingerprint), apply only if the plan is still
    that one."""
    require_importer(user)
    # One import at a time per company (new customers and groups, the same licenses); those
    # of other companies meet only on unregistered codes, locked in id order below.
    list(Organization.objects.select_for_update(no_key=True).filter(pk=user.organization_id))
    _lock_licenses(user, sheet)
    plan = checking.check(user, sheet)
    if expected is not None and plan.fingerprint != expected:
        return Outcome(plan, changed=True)
    if plan.errors and not partial:
        return Outcome(plan)
    applying.apply(user, plan, import_label=filename, ip=ip, agent=agent)
    counts = {k: v for k, v in plan.summary().items() if k != "errors"}
    record(
        "license.import",
        actor=user,
        target_label=filename,
        changes={"file": filename, **counts, "errors": plan.error_rows, "partial": partial},
        ip=ip,
        agent=agent,
    )
    return Outcome(plan, applied=True)


def _lock_licenses(user, sheet: Sheet) -> None:
    """Lock the file's licenses that the company has or may register, in id order (so that
    two imports never wait for each other), before they are checked: what is checked is
    then what is written. NO KEY: adding them to groups meanwhile need not wait."""
    slcs = sorted({codes.normalize(cells.get("slc", "")) for _, cells in sheet.rows})
    slcs = [slc for slc in slcs if codes.is_well_formed(slc)]
    mine = access.licenses_importable_by(user)
    ids = []
    for start in range(0, len(slcs), LOCK_CHUNK):
        chunk = slcs[start : start + LOCK_CHUNK]
        ids += mine.filter(code__in=chunk).values_list("pk", flat=True)
    ids.sort()
    for start in range(0, len(ids), LOCK_CHUNK):
        chunk = ids[start : start + LOCK_CHUNK]
        locked = mine.select_for_update(no_key=True).filter(pk__in=chunk)
        list(locked.order_by("pk").values_list("pk", flat=True))
