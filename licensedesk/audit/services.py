"""Recording audit events. Call `record` from services, in the transaction of the change."""

from licensedesk.audit.models import AuditEvent
from licensedesk.core.net import client_ip

# Keys whose values must never reach the audit log.
SECRET_KEYS = {"password", "password1", "password2", "token", "secret", "new_password"}


def _clean(changes: dict | None) -> dict:
    if not changes:
        return {}
    return {k: ("[redacted]" if k in SECRET_KEYS else v) for k, v in changes.items()}


def record(action: str, *, request=None, actor=None, ip=None, agent="", **fields) -> AuditEvent:
    """Write one audit event (`unsaved`'s fields). The actor and company default to the
    request's user, the address and browser to the request's (`ip` and `agent` for work
    done without one)."""
    request_user = getattr(request, "user", None)
    if actor is None and request_user is not None and request_user.is_authenticated:
        actor = request_user
    if request is not None:
        ip, agent = client_ip(request), request.META.get("HTTP_USER_AGENT", "")
    event = unsaved(action, actor=actor, ip=ip, agent=agent, **fields)
    event.save()
    return event


def unsaved(
    action: str,
    *,
    actor=None,
    organization=None,
    target=None,
    target_label: str = "",
    actor_label: str = "",
    changes: dict | None = None,
    ip: str | None = None,
    agent: str = "",
) -> AuditEvent:
    """An audit event not yet written, for changes of many rows at once (`bulk_create`
    them in the transaction of the change)."""
    if organization is None and actor is not None:
        organization = actor.organization
    return AuditEvent(
        organization=organization,
        actor=actor,
        actor_label=(actor.email if actor is not None else actor_label)[:254],
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:254],
        changes=_clean(changes),
        ip_address=ip or None,
        user_agent=(agent or "")[:300],
    )


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
