"""Every main page, as each role, passes axe-core's checks with no serious or critical
violation; on a phone (390×844) the pages a technician checks alerts on fit the screen
without scrolling sideways. Each page is visited once per role: the phone pages are checked
by axe at phone size."""

import json
import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from licensedesk import access
from licensedesk.accounts.models import User
from licensedesk.activation import services as activation
from licensedesk.activation.tests.factories import lrq
from licensedesk.care.reminders import create_reminder
from licensedesk.core.demo import DEMO_PASSWORD, create_demo_data, create_demo_licenses
from licensedesk.core.demo_monitoring import create_demo_monitoring
from licensedesk.core.tests.browser import VIEWPORT, screenshot_dir
from licensedesk.groups.services import create_group
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}
# A <label> that names no control: `for` pointing nowhere, or wrapping nothing.
UNTIED_LABELS = (
    "[...document.querySelectorAll('label')].filter(l => !l.control).map(l => l.outerHTML)"
)
ROLES = {
    "company-admin": "admin@northwind.example",
    "license-admin": "licenseadmin@northwind.example",
    "license-user": "licenseuser@northwind.example",
}
axe = Axe()


def demo_company() -> None:
    """The demo company, plus what the demo lacks: an activation, a group of each license
    role's own, a Care reminder each, and a failed delivery in each one's log."""
    create_demo_data()
    create_demo_licenses()
    create_demo_monitoring()
    for email in ROLES.values():
        user = User.objects.get(email=email)
        first = access.licenses_visible_to(user).order_by("id").first()
        activation.activate(user, first, lrq(first.code, 3, hostname=f"vms-{user.first_name}"))
        codes = access.licenses_visible_to(user).values_list("code", flat=True)[:2]
        create_group(user, name=f"{user.first_name}'s sites", slcs=list(codes))
        reminder = create_reminder(user, {"scope": "all", "lead_times": [30]})
        Delivery.objects.create(
            organization=user.organization,
            reminder=reminder,
            event=events.CARE_ENDING,
            channel=Delivery.Channel.EMAIL,
            recipient=user.email,
            recipient_user=user,
            state=Delivery.State.FAILED,
            attempts=8,
            last_error="550 mailbox unavailable",
            next_attempt_at=timezone.now() - timedelta(hours=1),
        )


def main_pages(user) -> list[tuple[str, str, bool]]:
    """(name, path, checked on a phone) of every main page the user's role opens."""
    lic = access.licenses_visible_to(user).order_by("id").first()
    customer = access.customers_visible_to(user).order_by("id").first()
    group = access.groups_editable_by(user).order_by("id").first()
    installation = access.installations_visible_to(user).order_by("id").first()
    pages = [
        ("dashboard", "/", True),
        ("licenses", "/licenses/", True),
        ("license", f"/licenses/{lic.code}/", True),
        ("customers", "/customers/", False),
        ("customer", f"/customers/{customer.pk}/", False),
        ("groups", "/groups/", False),
        ("group", f"/groups/{group.pk}/", False),
        ("group-form", f"/groups/{group.pk}/edit/", False),
        ("installations", "/installations/", True),
        ("installation", f"/installations/{installation.pk}/", True),
        ("care", "/care/", False),
        ("care-reminders", "/care/reminders/", False),
        ("care-reminder-form", "/care/reminders/new/", False),
    ]
    # The page of devices in grace, with its activation form (the demo's, where visible).
    in_grace = access.installations_visible_to(user).filter(health__devices_in_grace__gt=0)
    if grace := in_grace.order_by("id").first():
        pages.append(("installation-grace", f"/installations/{grace.pk}/", True))
    if access.is_license_admin(user):
        pages += [
            ("notification-profiles", "/notifications/profiles/", False),
            ("notification-profile-form", "/notifications/profiles/new/", False),
        ]
    pages.append(("delivery-log", "/notifications/deliveries/", False))
    if access.is_company_admin(user):
        pages += [("users", "/accounts/users/", False), ("activity", "/activity/", False)]
    pages.append(("profile", "/accounts/profile/", False))
    return pages


def blocking(results) -> list[str]:
    """One line per serious or critical violation: the rule, what it means, where."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_is_accessible_and_fits_a_phone_where_alerts_are_read(
    role, page, screenshot, request
):
    demo_company()
    user = User.objects.get(email=ROLES[role])
    found, too_wide, report = {}, {}, {}

    def check(name: str, on_phone: bool = False) -> None:
        results = axe.run(page)
        report[name] = {"violations": results.response["violations"]}
        problems = blocking(results) + [
            f"label tied to no control: {html}" for html in page.evaluate(UNTIED_LABELS)
        ]
        if problems:
            found[name] = problems
        if on_phone:
            width = report[name]["scroll_width"] = page.evaluate(
                "document.scrollingElement.scrollWidth"
            )
            if width > PHONE["width"]:
                too_wide[name] = width
            screenshot(f"phone-{role}-{name}")

    page.goto("/accounts/login/")
    check("login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_attached()

    for name, path, on_phone in main_pages(user):
        page.set_viewport_size(PHONE if on_phone else VIEWPORT)
        response = page.goto(path)
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        check(name, on_phone)

    folder = screenshot_dir(request.config).parent / "accessibility"
    folder.mkdir(exist_ok=True)
    (folder / f"{role}.json").write_text(json.dumps(report, indent=1))
    assert found == {}, "axe found serious or critical violations:\n" + json.dumps(found, indent=1)
    assert too_wide == {}, f"wider than a {PHONE['width']} px phone (scrollWidth): {too_wide}"


def log_in_as_lina(page) -> None:
    create_demo_data()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(ROLES["license-user"])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_attached()


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page):
    log_in_as_lina(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    skip.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
    expect(page.locator("main")).to_be_focused()


def test_on_a_phone_the_navigation_folds_behind_a_menu_button(page, screenshot):
    page.set_viewport_size(PHONE)
    log_in_as_lina(page)
    navigation = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    expect(navigation).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    screenshot("phone-menu-open")
    navigation.get_by_role("link", name="Installations").click()
    expect(page.get_by_role("heading", name="Installations")).to_be_visible()


def test_on_a_desktop_the_navigation_is_always_open(page):
    log_in_as_lina(page)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
