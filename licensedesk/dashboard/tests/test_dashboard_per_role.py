"""The Dashboard a partner opens every morning: per role, only what the user may see, and
never another company's data."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from licensedesk.dashboard.overview import FEW, dashboard_for
from licensedesk.dashboard.tests.conftest import add_installation
from licensedesk.monitoring.models import State


def numbers(board) -> dict:
    """Every number of a Dashboard, by section and key."""
    lic, care, inst = board.licenses, board.care, board.installations
    found = {}
    if lic:
        found.update({k: lic[k].count for k in ("registered", "unspecified", "this_month")})
        found.update(devices_used=lic["devices"].count, devices_total=lic["devices_total"])
        found.update({k: care[k].count for k in CARE_KEYS})
        found.update({state: f.count for state, f in inst["states"].items()})
        found["registrations"] = len(board.activity["registrations"])
        found["activations"] = len(board.activity["activations"])
    found.update({k: f.count for k, f in board.people.items()})
    return found


CARE_KEYS = [
    f"{tier}_{key}"
    for tier in ("plus", "premium")
    for key in ("ending_30", "ending_90", "ended_90")
]

LICENSE_ADMIN = {
    "registered": 5,
    "unspecified": 2,
    "this_month": 2,
    "devices_used": 9,
    "devices_total": 60,
    "plus_ending_30": 1,
    "plus_ending_90": 2,
    "plus_ended_90": 1,
    "premium_ending_30": 1,
    "premium_ending_90": 1,
    "premium_ended_90": 1,
    "critical": 1,
    "offline": 1,
    "attention": 1,
    "pending": 1,
    "registrations": 5,
    "activations": 5,
}


def test_a_license_admin_sees_the_whole_company(world, ours, theirs):
    assert numbers(dashboard_for(world.license_admin)) == LICENSE_ADMIN


def test_the_company_admin_also_sees_who_needs_attention(world, ours, theirs, invited):
    # alice, lars, lina, nora and ivy (invited): the Users page's "Active"
    expected = {**LICENSE_ADMIN, "active": 5, "invited": 1}
    assert numbers(dashboard_for(world.company_admin)) == expected


def test_admins_without_required_2fa_are_counted_where_the_company_requires_it(world, invited):
    world.org.require_2fa_for_admins = True
    world.org.save()
    world.other_org.require_2fa_for_admins = True
    world.other_org.save()
    TOTPDevice.objects.create(user=world.outsider, name="app", confirmed=True)
    board = dashboard_for(world.company_admin)
    assert board.people["no_2fa"].count == 1  # alice herself; charlie is another company's
    TOTPDevice.objects.create(user=world.company_admin, name="app", confirmed=True)
    assert dashboard_for(world.company_admin).people["no_2fa"].count == 0


def test_a_license_user_counts_only_the_licenses_granted_to_them(world, ours, theirs):
    assert numbers(dashboard_for(world.license_user)) == {
        "registered": 2,
        "unspecified": 1,
        "this_month": 1,
        "devices_used": 4,
        "devices_total": 20,
        "plus_ending_30": 1,
        "plus_ending_90": 1,
        "plus_ended_90": 1,
        "premium_ending_30": 0,
        "premium_ending_90": 0,
        "premium_ended_90": 1,
        "critical": 1,
        "offline": 0,
        "attention": 1,
        "pending": 0,
        "registrations": 2,
        "activations": 2,
    }
    board = dashboard_for(world.license_user)
    granted = {lic.pk for lic in ours.granted}
    assert {lic.pk for lic in board.activity["registrations"]} == granted
    assert {a.license_id for a in board.activity["activations"]} == granted
    assert {i.license_id for i in board.installations["worst"]} == granted
    assert {lic.pk for _, _, lic in board.care["next"]} <= granted


def test_a_license_user_without_grants_sees_zeros(world, ours, theirs):
    world.license_user.license_grants.all().delete()
    found = numbers(dashboard_for(world.license_user))
    assert set(found.values()) == {0}
    assert "invited" not in found


def test_another_company_sees_its_own_numbers_only(world, ours, theirs):
    found = numbers(dashboard_for(world.outsider))
    assert found["registered"] == 10 and found["critical"] == 2 and found["activations"] == 5
    board = dashboard_for(world.outsider)
    their_ids = {lic.pk for lic in theirs.licenses}
    assert {lic.pk for lic in board.activity["registrations"]} <= their_ids
    assert {i.license_id for i in board.installations["worst"]} <= their_ids


def test_the_worst_installations_come_first_with_their_names(world, ours):
    worst = dashboard_for(world.license_admin).installations["worst"]
    assert [i.health.state for i in worst] == ["critical", "offline", "attention"]
    assert [i.hostname for i in worst] == ["vms-critical-0", "vms-offline-0", "vms-attention-0"]


def test_of_many_critical_installations_the_latest_reported_come_first(world, ours, theirs):
    granted, other = ours.granted[0], ours.licenses[1]
    for n in range(FEW + 1):  # the License User's, newest first, all newer than the mix
        add_installation(granted, State.CRITICAL, f"granted-{n}", minutes_ago=(n + 1) / 2)
    add_installation(other, State.CRITICAL, "not-granted", minutes_ago=0)
    latest_granted = [f"granted-{n}" for n in range(FEW)]
    admin_worst = dashboard_for(world.license_admin).installations["worst"]
    assert [i.hostname for i in admin_worst] == ["not-granted", *latest_granted[: FEW - 1]]
    user_worst = dashboard_for(world.license_user).installations["worst"]
    assert [i.hostname for i in user_worst] == latest_granted


def test_recent_activations_are_the_newest_of_the_licenses_the_user_may_see(world, ours, theirs):
    granted, other = ours.granted[0], ours.licenses[1]
    mine = [add_installation(granted, None, f"granted-{n}") for n in range(FEW + 1)]
    newest_other = add_installation(other, None, "not-granted")
    activity = dashboard_for(world.license_user).activity["activations"]
    assert [a.installation for a in activity] == mine[::-1][:FEW]
    activity = dashboard_for(world.license_admin).activity["activations"]
    assert activity[0].installation == newest_other


def test_the_next_care_endings_are_in_date_order_from_today(world, login, ours):
    board = dashboard_for(world.license_admin)
    # Plus in 10, Premium in 20, Plus in 60, then Plus and Premium in 400 days.
    endings = [(ends, tier) for ends, tier, _ in board.care["next"]]
    assert [tier for _, tier in endings] == [
        "Care Plus", "Care Premium", "Care Plus", "Care Plus", "Care Premium"
    ]  # fmt: skip
    assert [ends for ends, _ in endings] == sorted(ends for ends, _ in endings)
    html = login(world.license_admin).get("/").content.decode()
    first = board.care["next"][0]
    assert f"<td>{first[2].code}</td>" not in html  # linked, not plain
    assert f'<td class="nowrap">{first[0]:%Y-%m-%d}</td>' in html


def test_a_user_without_a_license_role_sees_no_license_numbers(world, ours):
    board = dashboard_for(world.no_role)
    assert board.licenses == {} and board.people == {} and board.is_empty


def test_the_page_shows_each_role_its_numbers(world, login, ours, theirs, invited):
    page = login(world.company_admin).get("/").content.decode()
    assert "Northwind Security · you are License Admin and company administrator." in page
    assert 'href="/licenses/?customer=none"><span class="num">2</span>' in page
    assert "vms-critical-0" in page and "vms-critical-1" not in page  # theirs
    assert 'href="/accounts/users/?status=invited"><span class="num">1</span>' in page

    page = login(world.license_user).get("/").content.decode()
    assert 'href="/licenses/"><span class="num">2</span>' in page
    assert "vms-offline-0" not in page  # on a license not granted to her
    assert "/accounts/users/" not in page

    page = login(world.staff).get("/").content.decode()
    assert "vendor staff" in page and "Licenses" not in page
