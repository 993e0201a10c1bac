"""The rows ticked on the Licenses page, kept across a bulk action that was refused (no user
or group chosen): the page comes back with the same rows ticked, so nothing is picked twice.
A one-shot value in the session, like a message; it only ticks rows the page shows anyway."""

from licensedesk.core.ids import parse_id

SESSION_KEY = "licensedesk.licenses.ticked"
MOST = 100  # the largest page of the list


def ticked_ids(data) -> list[int]:
    """The license ids ticked in a posted form, as numbers (anything else is dropped)."""
    return [i for i in (parse_id(v) for v in data.getlist("license_ids")) if i]


def keep(request, ids) -> None:
    request.session[SESSION_KEY] = list(ids)[:MOST]


def take(request) -> frozenset[int]:
    """The ids kept for this page view, forgotten once shown."""
    return frozenset(request.session.pop(SESSION_KEY, ()))
