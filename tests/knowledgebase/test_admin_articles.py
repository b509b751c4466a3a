"""The article admin pages: staff see and change only their tenant's articles; translations
are saved through `translation_save` (a revision, the rendered HTML), their errors named on
the field; a scheduled article needs its time; publishing stamps the time; related articles
are the tenant's own; old addresses are shown; the list's query count does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledgebase.cache import generation
from knowledgebase.models import Article, ArticleTranslation, Category, RelatedArticle, Status
from knowledgebase.services.articles import translation_save
from tenants.tenancy.context import tenant_scope
from tests.knowledgebase.admin_forms import article_form

pytestmark = pytest.mark.django_db

LIST = "/admin/knowledgebase/article/"


def _translation(article, language="en"):
    return ArticleTranslation.objects.for_tenant(article.tenant).get(
        article=article, language=language
    )


@pytest.mark.outsider("admin")
def test_staff_see_and_change_only_their_tenants_articles(kb, other_kb, owner_client):
    ours = kb.article({"en": {"title": "Invite your team"}}, help_key="invite")
    theirs = other_kb.article({"en": {"title": "Globex secret plans"}}, help_key="plans")
    listing = owner_client.get(LIST).content.decode()
    assert "Invite your team" in listing and "Globex secret plans" not in listing
    assert owner_client.get(f"{LIST}{ours.pk}/change/").status_code == 200
    # Another tenant's article behaves exactly like one that does not exist.
    foreign = owner_client.get(f"{LIST}{theirs.pk}/change/")
    missing = owner_client.get(f"{LIST}999999/change/")
    assert foreign.status_code == missing.status_code == 302
    assert foreign["Location"] == missing["Location"] == "/admin/"
    data = article_form(other_kb.category, translations=[{"language": "en", "title": "Stolen"}])
    assert owner_client.post(f"{LIST}{theirs.pk}/change/", data).status_code == 302
    assert owner_client.get(f"{LIST}{theirs.pk}/revisions/").status_code == 404
    assert _translation(theirs).title == "Globex secret plans"
    # Nor can an article of ours be put in another tenant's category.
    bad = owner_client.post(
        f"{LIST}{ours.pk}/change/",
        article_form(other_kb.category, translations=[
            {"id": _translation(ours).pk, "language": "en", "title": "Invite your team"}]),
    )  # fmt: skip
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    ours.refresh_from_db()
    assert ours.category_id == kb.category.pk


def test_adding_an_article_saves_its_translations_through_the_service(
    kb, owner, owner_client, django_capture_on_commit_callbacks
):
    data = article_form(
        kb.category,
        translations=[
            {"language": "en", "title": "Connect Stripe", "body": "## Steps\nClick <b>Go</b>.",
             "tags": "billing, stripe ,, payments"},
            {"language": "ro", "title": "Conectează Stripe", "body": "Pași"},
        ],
        help_key="billing.stripe",
    )  # fmt: skip
    before = generation(kb.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        answer = owner_client.post(f"{LIST}add/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert generation(kb.tenant) > before  # readers' cached pages are stale now
    with tenant_scope(kb.tenant):
        article = Article.objects.get(help_key="billing.stripe")
        english = article.translations.get(language="en")
        assert english.slug == "connect-stripe"
        assert english.tags == ["billing", "stripe", "payments"]
        assert '<h2 id="steps">Steps</h2>' in english.body_html
        assert "&lt;b&gt;Go&lt;/b&gt;" in english.body_html
        assert english.revisions.get().saved_by.user == owner
        assert article.translations.get(language="ro").slug == "conectează-stripe"
    assert article.author.user == owner and article.status == Status.DRAFT


def test_a_colliding_slug_is_a_form_error_naming_the_slug(kb, owner_client):
    kb.article({"en": {"title": "Billing"}})
    article = kb.article({"en": {"title": "Invoices"}})
    data = article_form(kb.category, translations=[
        {"id": _translation(article).pk, "language": "en", "title": "Invoices",
         "slug": "billing"}])  # fmt: skip
    answer = owner_client.post(f"{LIST}{article.pk}/change/", data)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Another article in this language already has the slug “billing”." in page
    errors = answer.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert "slug" in errors
    assert _translation(article).slug == "invoices"
    bad = owner_client.post(f"{LIST}add/", article_form(kb.category, translations=[
        {"language": "en", "title": "", "body": "No title"}]))  # fmt: skip
    assert bad.status_code == 200
    assert "title" in bad.context["inline_admin_formsets"][0].formset.forms[0].errors


def test_scheduling_needs_a_time_and_publishing_stamps_one(kb, owner_client):
    article = kb.article({"en": {"title": "Launch notes"}}, status=Status.DRAFT)
    translation = {"id": _translation(article).pk, "language": "en", "title": "Launch notes"}
    url = f"{LIST}{article.pk}/change/"
    bad = owner_client.post(url, article_form(kb.category, translations=[translation],
                                              status=Status.SCHEDULED))  # fmt: skip
    assert bad.status_code == 200
    assert "A scheduled article needs the time to publish it." in bad.content.decode()
    assert bad.context["adminform"].form.errors["publish_at"]
    # The time typed is the tenant's local time.
    kb.tenant.time_zone = "Europe/Bucharest"
    kb.tenant.save()
    done = owner_client.post(url, article_form(
        kb.category, translations=[translation], status=Status.SCHEDULED,
        publish_at_0="2030-01-02", publish_at_1="10:00:00"))  # fmt: skip
    assert done.status_code == 302, done.content.decode()[:2000]
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED
    assert article.publish_at.isoformat() == "2030-01-02T08:00:00+00:00"
    assert article.published_at is None
    published = owner_client.post(url, article_form(kb.category, translations=[translation],
                                                    status=Status.PUBLISHED))  # fmt: skip
    assert published.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at is not None


def test_related_articles_are_the_tenants_own(kb, other_kb, owner_client):
    article = kb.article({"en": {"title": "Setup"}})
    other = kb.article({"en": {"title": "Next steps"}})
    foreign = other_kb.article({"en": {"title": "Globex only"}})
    translation = {"id": _translation(article).pk, "language": "en", "title": "Setup"}
    url = f"{LIST}{article.pk}/change/"
    page = owner_client.get(url).content.decode()
    assert "Next steps" in page and "Globex only" not in page
    bad = owner_client.post(url, article_form(kb.category, translations=[translation],
                                              related=[{"related": foreign.pk}]))  # fmt: skip
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    itself = owner_client.post(url, article_form(kb.category, translations=[translation],
                                                 related=[{"related": article.pk}]))  # fmt: skip
    assert itself.status_code == 200
    twice = owner_client.post(url, article_form(
        kb.category, translations=[translation],
        related=[{"related": other.pk}, {"related": other.pk, "position": 1}]))  # fmt: skip
    assert twice.status_code == 200 and "This article is listed already." in twice.content.decode()
    done = owner_client.post(url, article_form(kb.category, translations=[translation],
                                               related=[{"related": other.pk}]))  # fmt: skip
    assert done.status_code == 302
    with tenant_scope(kb.tenant):
        assert list(RelatedArticle.objects.values_list("article", "related")) == [
            (article.pk, other.pk)
        ]


def test_the_change_page_shows_old_addresses_read_only(kb, owner_client):
    article = kb.article({"en": {"title": "Old name"}})
    translation_save(tenant=kb.tenant, article=article, language="en",
                     values={"title": "New name"})  # fmt: skip
    answer = owner_client.get(f"{LIST}{article.pk}/change/")
    page = answer.content.decode()
    assert "/help/acme/en/a/old-name/" in page
    assert 'name="slug_redirects-0-old_slug"' not in page  # shown, not editable
    assert "admin_preview.js" in page and "knowledgebase/admin.css" in page
    assert f"/admin/knowledgebase/article/{article.pk}/revisions/" in page
    # Saved with the management form of the read-only inline, nothing changes there.
    data = article_form(kb.category, translations=[
        {"id": _translation(article).pk, "language": "en", "title": "New name"}],
        old_addresses=1)  # fmt: skip
    assert owner_client.post(f"{LIST}{article.pk}/change/", data).status_code == 302


def test_a_translation_can_be_deleted_and_one_added(kb, owner_client):
    article = kb.article({"en": {"title": "Hello"}, "ru": {"title": "Привет"}})
    data = article_form(kb.category, translations=[
        {"id": _translation(article).pk, "language": "en", "title": "Hello"},
        {"id": _translation(article, "ru").pk, "language": "ru", "title": "Привет",
         "DELETE": True},
        {"language": "zh-hans", "title": "你好"},
    ])  # fmt: skip
    answer = owner_client.post(f"{LIST}{article.pk}/change/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    with tenant_scope(kb.tenant):
        assert sorted(article.translations.values_list("language", flat=True)) == ["en", "zh-hans"]


def test_the_list_filters_searches_and_keeps_its_query_count(kb, owner_client):
    kb.article({"en": {"title": "Alpha guide", "tags": ["onboarding"]}}, status=Status.DRAFT)
    kb.article({"ru": {"title": "Бета"}}, external_id="ext-42")
    assert "Alpha guide" in owner_client.get(f"{LIST}?q=onboarding").content.decode()
    assert "Бета" in owner_client.get(f"{LIST}?q=ext-42").content.decode()
    assert "Alpha guide" not in owner_client.get(f"{LIST}?q=ext-42").content.decode()
    by_language = owner_client.get(f"{LIST}?language=ru").content.decode()
    assert "Бета" in by_language and "Alpha guide" not in by_language
    drafts = owner_client.get(f"{LIST}?status__exact=draft").content.decode()
    assert "Alpha guide" in drafts and "Бета" not in drafts
    assert "Times are in UTC." in drafts
    with tenant_scope(kb.tenant):
        section = Category.objects.create(parent=kb.category, slug="faq", name={"en": "FAQ"})
    kb.article({"en": {"title": "Gamma answer"}}, category=section)
    in_section = owner_client.get(f"{LIST}?category={section.pk}").content.decode()
    assert "Gamma answer" in in_section and "Alpha guide" not in in_section
    assert "Getting started › FAQ" in in_section

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(LIST).status_code == 200
        return len(captured)

    few = queries()
    for n in range(6):
        kb.article({"en": {"title": f"More {n}"}, "ro": {"title": f"Mai mult {n}"}})
    assert queries() == few


def test_viewers_and_csms_have_no_access(kb, member, member_client):
    member.is_staff = True
    member.save()
    assert member_client.get(LIST).status_code == 403


def test_a_superuser_opens_any_tenants_article(kb, other_kb, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345678")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    ours = kb.article({"en": {"title": "Acme article"}})
    theirs = other_kb.article({"en": {"title": "Globex article"}})
    listing = client.get(LIST).content.decode()
    assert "Acme article" in listing and "Globex article" in listing
    page = client.get(f"{LIST}{theirs.pk}/change/")
    assert page.status_code == 200
    assert "Globex article" in page.content.decode()
    related = page.context["inline_admin_formsets"][1].formset.empty_form.fields["related"]
    assert [a.pk for a in related.queryset] == []  # globex has no other article
    assert ours.pk not in [a.pk for a in related.queryset]
