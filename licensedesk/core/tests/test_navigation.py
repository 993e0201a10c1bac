"""The top bar and the sidebar link every page a user's role opens, and only those."""

from django.urls import reverse

from licensedesk.core.context_processors import NAV


def links_of(client) -> set[str]:
    html = client.get(reverse("licenses:list")).content.decode()
    return {name for name in NAV.values() if f'href="{reverse(name)}"' in html}


def test_a_company_admin_is_linked_to_every_page_but_the_back_office(login, world):
    assert links_of(login(world.company_admin)) == set(NAV.values()) - {
        "admin:index",
        "accounts:logout",  # a form's action, not a link
    }


def test_a_license_user_is_not_linked_to_company_pages_nor_notification_profiles(login, world):
    links = links_of(login(world.license_user))
    assert "licenses:list" in links and "monitoring:list" in links
    assert not links & {"accounts:user_list", "audit:activity", "accounts:company"}
    assert "notifications:profiles" not in links


def test_the_log_out_form_posts_to_log_out(login, world):
    html = login(world.license_user).get(reverse("licenses:list")).content.decode()
    assert f'action="{reverse("accounts:logout")}"' in html
