from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.audit.filters import filter_events

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor_id: int | None
    actor: str
    action: str
    target_type: str
    target_id: str
    target: str
    changes: dict
    ip_address: str | None

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_target(obj) -> str:
        return obj.target_label


@router.get("", response=list[AuditEventOut])
@paginate
def list_audit_events(request, action: str = "", actor: str = "", since: str = "", until: str = ""):
    """The company's audit log, newest first (company administrators)."""
    access.require(request, access.is_company_admin(request.auth), "company_admin")
    params = {"action": action, "actor": actor, "since": since, "until": until}
    events = filter_events(access.audit_events_visible_to(request.auth), params)
    return events.order_by("-created_at", "-id")
