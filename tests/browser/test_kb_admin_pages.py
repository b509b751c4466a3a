"""The knowledge base's admin pages in a real browser under the Content-Security-Policy:
typing Markdown in a translation's body shows the sanitised preview under it (a hostile
script stays text), and the revision history restores an old text after confirming."""

import os

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from knowledgebase.models import Category
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.browser.test_pages_under_csp import Watch, _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory
from tests.knowledgebase.conftest import KnowledgeBase

SHOTS = os.environ.get("SCREENSHOTS")


@pytest.fixture
def kb_world(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    kb = KnowledgeBase(tenant)
    article = kb.article({"en": {"title": "Import data", "body": "First text"}})
    with tenant_scope(tenant):
        Category.objects.create(parent=kb.category, slug="faq", name={"en": "FAQ"})
    return kb, article


# The database fixtures come before `page`: Playwright starts after them (conftest.py).
def test_preview_and_restore_under_the_policy(live_server, kb_world, page: Page):
    kb, article = kb_world
    base = live_server.url
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/admin/knowledgebase/article/{article.pk}/change/")
    body = page.locator("textarea[name='translations-0-body']")
    expect(page.locator(".kb-preview-content").first).to_contain_text("First text")
    body.fill("## Steps\n\nClick **Import**.\n\n<script>alert(1)</script>")
    preview = page.locator(".kb-preview-content").first
    expect(preview.locator("h2")).to_have_text("Steps")
    expect(preview.locator("strong")).to_have_text("Import")
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/kb-article-change.png", full_page=True)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    page.goto(f"{base}/admin/knowledgebase/article/{article.pk}/revisions/")
    expect(page.locator(".kb-diff-remove").first).to_contain_text("First text")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/kb-revisions.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-confirm] button").first.click()
    expect(page.locator(".messagelist")).to_contain_text("restored")
    page.goto(f"{base}/admin/knowledgebase/article/")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/kb-article-list.png", full_page=True)
    watch.assert_clean("knowledge base admin")


def test_an_uploaded_image_gives_its_markdown(live_server, kb_world, settings, tmp_path,
                                               page: Page):  # fmt: skip
    settings.MEDIA_ROOT = str(tmp_path)
    picture = tmp_path / "Team view.png"
    Image.new("RGB", (64, 48), (30, 120, 200)).save(picture)
    base = live_server.url
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/admin/knowledgebase/articleimage/add/")
    page.set_input_files("input[name=upload]", str(picture))
    page.click("input[name=_save]")
    snippet = page.locator("code.kb-snippet")
    expect(snippet).to_contain_text("![team view](/help/acme/media/")
    expect(page.locator("img.kb-thumb")).to_have_js_property("naturalWidth", 64)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/kb-image.png", full_page=True)
    watch.assert_clean("image upload")
