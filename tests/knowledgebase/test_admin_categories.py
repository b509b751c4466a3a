"""Categories, sections and the help center's settings in the admin site: one field per
language, two levels only, slugs unique in the tenant, one help center per tenant whose
fallback language is one of its languages, staff see only their tenant's rows."""

import pytest

from knowledgebase.models import Category, HelpCenter
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db

CATEGORIES = "/admin/knowledgebase/category/"


def _form(**fields):
    data = {"parent": "", "slug": "", "position": 0}
    for key in ["en", "zh_hans", "ru", "ro"]:
        data[f"name_{key}"] = ""
        data[f"description_{key}"] = ""
    return data | fields


@pytest.mark.outsider("admin")
def test_staff_see_and_change_only_their_tenants_categories(kb, other_kb, owner_client):
    with tenant_scope(other_kb.tenant):
        Category.objects.filter(pk=other_kb.category.pk).update(name={"en": "Globex corner"})
    listing = owner_client.get(CATEGORIES).content.decode()
    assert "Getting started" in listing and "Globex corner" not in listing
    assert owner_client.get(f"{CATEGORIES}{kb.category.pk}/change/").status_code == 200
    foreign = owner_client.get(f"{CATEGORIES}{other_kb.category.pk}/change/")
    assert foreign.status_code == 302 and foreign["Location"] == "/admin/"
    # Another tenant's category is no choice of parent.
    bad = owner_client.post(f"{CATEGORIES}add/", _form(
        parent=other_kb.category.pk, slug="x", name_en="X"))  # fmt: skip
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_names_per_language_and_two_levels_only(kb, owner_client):
    page = owner_client.get(f"{CATEGORIES}{kb.category.pk}/change/").content.decode()
    assert 'name="name_zh_hans"' in page and 'value="入门"' in page
    added = owner_client.post(f"{CATEGORIES}add/", _form(
        parent=kb.category.pk, slug="invite", name_en="Invite", name_ro="Invitații",
        description_en="People"))  # fmt: skip
    assert added.status_code == 302, added.content.decode()[:2000]
    with tenant_scope(kb.tenant):
        section = Category.objects.get(slug="invite")
    assert section.parent_id == kb.category.pk
    assert section.name == {"en": "Invite", "ro": "Invitații"}
    assert section.description == {"en": "People"}
    deeper = owner_client.post(f"{CATEGORIES}add/", _form(
        parent=section.pk, slug="deeper", name_en="Deeper"))  # fmt: skip
    assert deeper.status_code == 200
    assert "a section can only be placed in a category" in deeper.content.decode()
    assert "parent" in deeper.context["adminform"].form.errors
    # A category with sections cannot become a section itself.
    with tenant_scope(kb.tenant):
        other = Category.objects.create(slug="other", name={"en": "Other"})
    moved = owner_client.post(f"{CATEGORIES}{kb.category.pk}/change/", _form(
        parent=other.pk, slug="getting-started", name_en="Getting started"))  # fmt: skip
    assert moved.status_code == 200 and "cannot become a section" in moved.content.decode()
    nameless = owner_client.post(f"{CATEGORIES}add/", _form(slug="nameless"))
    assert "Give a name in at least one language." in nameless.content.decode()
    taken = owner_client.post(f"{CATEGORIES}add/", _form(slug="invite", name_en="Again"))
    assert "Another category already has the slug “invite”." in taken.content.decode()
    listing = owner_client.get(f"{CATEGORIES}?level=section").content.decode()
    assert "Invite" in listing and "Other" not in listing


def test_one_help_center_per_tenant_with_a_fallback_among_its_languages(tenant, owner_client):
    url = "/admin/knowledgebase/helpcenter/"
    bad = owner_client.post(
        f"{url}add/",
        {
            "title": "Help",
            "languages": ["en", "ru"],
            "fallback_language": "ro",
            "widget_origins": "",
        },
    )
    assert bad.status_code == 200
    assert "The fallback language must be one of the languages." in bad.content.decode()
    done = owner_client.post(
        f"{url}add/",
        {
            "title": "Help",
            "languages": ["en", "ru"],
            "fallback_language": "ru",
            "widget_origins": "",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    center = HelpCenter.objects.for_tenant(tenant).get()
    assert center.languages == ["en", "ru"] and center.fallback_language == "ru"
    assert owner_client.get(f"{url}add/").status_code == 403
    assert owner_client.get(f"{url}{center.pk}/change/").status_code == 200
