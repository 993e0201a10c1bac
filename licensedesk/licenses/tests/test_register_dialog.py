"""The "Register new license" dialog of the Licenses page sends its form from the dialog
(`?partial=1`): a refused code comes back as the dialog's form with its error, a registered
one answers 201 with the license's page to go to. Without JavaScript the same form is a full
page, refused or not."""

from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

PAGE = "/licenses/register/"
DIALOG = "/licenses/register/?partial=1"


def test_the_dialog_opens_with_the_form_alone(login, world):
    r = login(world.license_user).get(DIALOG)
    body = r.content.decode()
    assert "<h2>Register new license (SLC)</h2>" in body
    assert "<html" not in body


def test_a_refused_code_comes_back_in_the_dialog_with_its_error(login, world):
    r = login(world.license_user).post(DIALOG, {"slc": "not a code", "description": "Lobby"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "<html" not in body  # the dialog's content, not a page
    assert 'class="field has-error"' in body
    assert r.context["form"].errors["slc"]
    assert "Lobby" in body  # what was typed stays


def test_a_code_already_registered_comes_back_in_the_dialog(login, world):
    lic = factories.registered(world.org)
    r = login(world.license_admin).post(DIALOG, {"slc": lic.code})
    body = r.content.decode()
    assert "<html" not in body
    assert "already registered" in body
    assert f'href="/licenses/{lic.code}/"' in body


def test_a_registered_code_answers_201_with_the_license_page(login, world):
    lic = factories.issue()
    client = login(world.license_user)
    r = client.post(DIALOG, {"slc": lic.code.lower(), "new_customer": "Harbour Hotel"})
    assert r.status_code == 201
    assert r["Location"] == f"/licenses/{lic.code}/"
    assert License.objects.get(pk=lic.pk).organization == world.org
    # The confirmation waits for the page the script goes to.
    assert f"{lic.code} is registered." in client.get(r["Location"]).content.decode()


def test_without_the_dialog_a_refused_code_is_the_full_page(login, world):
    r = login(world.license_user).post(PAGE, {"slc": "not a code"})
    assert r.status_code == 200
    assert "<html" in r.content.decode()
    assert r.context["form"].errors["slc"]


def test_without_the_dialog_a_registered_code_redirects(login, world):
    lic = factories.issue()
    r = login(world.license_user).post(PAGE, {"slc": lic.code})
    assert r.status_code == 302 and r["Location"] == f"/licenses/{lic.code}/"
