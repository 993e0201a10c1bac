"""What vendor staff change in the back office, and what the issuing commands do, reaches the
audit log like any other change: who, what, which fields."""

from datetime import date

from django.core.management import call_command

from licensedesk.audit.models import AuditEvent
from licensedesk.care import status as care_status
from licensedesk.catalog.models import Product
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories


def test_adding_a_product_in_the_back_office_is_audited(backoffice, world):
    r = backoffice(world.staff).post(
        "/backoffice/catalog/product/add/",
        {
            "code": "C09",
            "name": "Corporate Nine",
            "kind": "edition",
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    assert r.status_code == 302
    event = AuditEvent.objects.get(action="backoffice.add")
    assert event.actor == world.staff
    assert event.target_type == "product"
    assert event.target_label == str(Product.objects.get(code="C09"))


def test_changing_a_company_records_the_fields_and_the_company(backoffice, world):
    org = world.other_org
    r = backoffice(world.staff).post(
        f"/backoffice/accounts/organization/{org.pk}/change/",
        {"name": "Contoso Renamed", "slug": org.slug, "country": org.country, "is_active": "on"},
    )
    assert r.status_code == 302
    event = AuditEvent.objects.get(action="backoffice.change")
    assert event.actor == world.staff
    assert event.organization == org
    assert event.changes["fields"] == ["Name"]


def test_deleting_with_the_bulk_action_audits_each_object(backoffice, world):
    tokens = [
        world.license_user.tokens.create(name=f"t{i}", prefix=f"p{i}", digest=f"{i:064d}")
        for i in range(2)
    ]
    r = backoffice(world.staff).post(
        "/backoffice/accounts/personalaccesstoken/",
        {"action": "delete_selected", "_selected_action": [t.pk for t in tokens], "post": "yes"},
    )
    assert r.status_code == 302
    deleted = AuditEvent.objects.filter(action="backoffice.delete", actor=world.staff)
    assert sorted(deleted.values_list("target_id", flat=True)) == sorted(str(t.pk) for t in tokens)


def test_a_password_set_by_staff_is_audited_without_the_password(backoffice, world):
    user = world.license_user
    secret = "a new password from the vendor"
    r = backoffice(world.staff).post(
        f"/backoffice/accounts/user/{user.pk}/password/",
        {"password1": secret, "password2": secret},
    )
    assert r.status_code == 302
    event = AuditEvent.objects.get(action="backoffice.change", target_id=str(user.pk))
    assert event.organization == world.org
    assert secret not in str(event.changes)


def test_issuing_from_the_command_line_is_audited(world):
    prod = factories.product("C01", "Corporate")
    factories.version(prod, "251", "2025 R1")
    call_command("issue-slc", product="C01", version="251", devices=5, count=2, partner="contoso")
    issued = set(License.objects.values_list("code", flat=True))
    events = AuditEvent.objects.filter(action="license.issue")
    assert {e.target_label for e in events} == issued
    assert all(e.actor_label == "licensedesk issue-slc" for e in events)
    assert all(e.organization is None for e in events)  # unregistered codes stay unseen


def test_renewing_care_from_the_command_line_is_audited(world):
    lic = factories.issue()
    call_command("renew-care", lic.code, level="Plus", until=date(2027, 12, 31))
    event = AuditEvent.objects.get(action="care.renew")
    assert event.target_label == str(lic)
    assert event.changes == {
        "level": "Plus",
        "from": care_status.today().isoformat(),
        "until": "2027-12-31",
    }
