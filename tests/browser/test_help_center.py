"""The help center in a real browser under the Content-Security-Policy, at desktop and
phone widths: a visitor opens a tenant's help center in Chinese, types a two-character
Chinese word into the search box, sees the matching article appear as htmx swaps the
results in (the address follows the search), opens it and reads its title and body.
Screenshots of each step go to artifacts/ (not kept in git)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from knowledgebase.models import Article, Category, HelpCenter
from knowledgebase.services.articles import translation_save
from tenants.tenancy.context import tenant_scope
from tests.browser.test_pages_under_csp import Watch
from tests.factories import TenantFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def help_center(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    with tenant_scope(tenant):
        HelpCenter.objects.create(tenant=tenant, title="Acme 帮助中心",
                                  languages=["zh-hans", "en"], fallback_language="en")  # fmt: skip
        category = Category.objects.create(slug="start", name={"en": "Start", "zh-hans": "入门"})
        article = Article.objects.create(category=category, status="published")
        other = Article.objects.create(category=category, status="published")
    body = "## 为什么重要\n留存率是一段时间后仍在使用产品的客户比例。\n\n## 怎么做\n定期回访客户。"
    values = {"title": "客户留存", "slug": "ke-hu-liu-cun", "body": body}
    translation_save(tenant=tenant, article=article, language="zh-hans", values=values)
    values = {"title": "导入数据", "slug": "dao-ru", "body": "上传 CSV 文件。"}
    translation_save(tenant=tenant, article=other, language="zh-hans", values=values)
    return tenant


@pytest.mark.parametrize("size", list(SIZES))
def test_search_as_you_type_in_chinese_and_read_the_article(live_server, help_center, size,
                                                            page: Page):  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(SIZES[size])
    watch = Watch(page)
    page.goto(f"{live_server.url}/help/acme/zh-hans/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".help-title")).to_have_text("Acme 帮助中心")
    page.screenshot(path=ARTIFACTS / f"help-home-{size}.png", full_page=True)

    page.locator("#help-q").press_sequentially("留存", delay=80)
    hit = page.locator("#help-results .help-hit-title")
    expect(hit).to_have_text("客户留存")
    expect(page.locator("#help-results mark").first).to_have_text("留存")
    expect(page.locator("#help-results")).not_to_contain_text("导入数据")
    expect(page).to_have_url(re.compile(r"/help/acme/zh-hans/search/\?q=%E7%95%99%E5%AD%98$"))
    page.screenshot(path=ARTIFACTS / f"help-search-{size}.png", full_page=True)

    hit.click()
    expect(page).to_have_url(f"{live_server.url}/help/acme/zh-hans/a/ke-hu-liu-cun/")
    expect(page.locator("h1")).to_have_text("客户留存")
    expect(page.locator(".help-body")).to_contain_text("留存率是一段时间后仍在使用产品的客户比例。")
    expect(page.locator(".help-toc")).to_contain_text("怎么做")
    page.wait_for_load_state()  # styles applied before they are measured
    body = page.locator(".help-body")
    assert "Noto Sans CJK SC" in body.evaluate("e => getComputedStyle(e).fontFamily")
    # Readable on a phone: the text is never wider than the screen.
    assert body.evaluate("e => e.getBoundingClientRect().right") <= SIZES[size]["width"]
    page.screenshot(path=ARTIFACTS / f"help-article-{size}.png", full_page=True)

    page.locator("button[name=helpful][value=yes]").click()
    expect(page.locator("#feedback .notice")).to_be_visible()
    watch.assert_clean(f"help center ({size})")
