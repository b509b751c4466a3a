"""What the public help center shows, read for one tenant in one language: only published
articles, each in the visitor's language or else in the help center's fallback language
(marked, so the page can say so). Drafts and scheduled articles are never read here.

Everything returned is plain data (dataclasses of strings and numbers), so the pages can
keep it in the help center's cache (knowledgebase.cache) under the tenant's generation."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F

from knowledgebase.models import (
    Article,
    ArticleTranslation,
    Category,
    HelpCenter,
    Kind,
    RelatedArticle,
    SlugRedirect,
    Status,
)
from knowledgebase.selectors.help_center import languages_of
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

HOME_ARTICLES = 5
HOME_ANNOUNCEMENTS = 5
RELATED = 5
LISTED_FIELDS = ("id", "language", "title", "slug", "summary", "updated_at", "article_id",
                 "article__kind", "article__category_id", "article__position",
                 "article__published_at", "article__created_at")  # fmt: skip


@dataclass(frozen=True)
class ArticleLink:
    """An article as a list shows it: its title in the language shown and where it leads."""

    id: int
    title: str
    slug: str
    summary: str
    language: str
    kind: str
    category_id: int
    fallback: bool
    published_at: datetime | None = None


@dataclass
class Section:
    id: int
    slug: str
    name: str
    description: str
    articles: list[ArticleLink] = field(default_factory=list)


@dataclass
class CategoryBlock:
    """A category with its sections; `articles` are the ones placed in the category itself."""

    id: int
    slug: str
    name: str
    description: str
    sections: list[Section] = field(default_factory=list)
    articles: list[ArticleLink] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.articles) + sum(len(section.articles) for section in self.sections)

    def first(self, n: int = HOME_ARTICLES) -> list[ArticleLink]:
        """The first `n` articles: the category's own, then its sections' in order."""
        every = [*self.articles, *(a for section in self.sections for a in section.articles)]
        return every[:n]


@dataclass
class Home:
    categories: list[CategoryBlock]
    announcements: list[ArticleLink]


@dataclass(frozen=True)
class Crumb:
    slug: str
    name: str


@dataclass(frozen=True)
class Version:
    """One language an article exists in."""

    language: str
    slug: str
    title: str


@dataclass
class ArticlePage:
    id: int
    kind: str
    language: str  # the language of the text shown
    fallback: bool  # shown in the fallback language: the visitor's is missing
    title: str
    slug: str
    summary: str
    body_html: str
    toc: list[dict]
    updated_at: datetime
    category: Crumb
    section: Crumb | None
    versions: list[Version]
    related: list[ArticleLink]


@dataclass(frozen=True)
class Moved:
    """The article asked for lives at another address (an old slug, or another language's
    slug of an article that has the visitor's language)."""

    language: str
    slug: str


def _published_translations(center: HelpCenter, language: str, **article_filters):
    """Translations of published articles in `language` or the fallback language, as
    ArticleLinks keyed by article id (the visitor's language preferred). One query."""
    wanted = {language, center.fallback_language}
    rows = (
        ArticleTranslation.objects.filter(
            language__in=wanted,
            article__status=Status.PUBLISHED,
            **{f"article__{name}": value for name, value in article_filters.items()},
        )
        .order_by("article__position", "article_id")
        .values_list(*LISTED_FIELDS)
    )
    shown: dict[int, ArticleLink] = {}
    for (_pk, lang, title, slug, summary, _updated, article_id, kind, category_id, _position,
         published_at, created_at) in rows:  # fmt: skip
        if article_id in shown and lang != language:
            continue
        shown[article_id] = ArticleLink(
            id=article_id, title=title, slug=slug, summary=summary, language=lang, kind=kind,
            category_id=category_id, fallback=lang != language,
            published_at=published_at or created_at,
        )  # fmt: skip
    return shown


def _blocks(center: HelpCenter, language: str, categories, links) -> list[CategoryBlock]:
    """Categories (top level) with their sections, each holding its articles in order."""
    fallback = center.fallback_language
    blocks, sections = {}, {}
    for category in categories:
        if category.parent_id is None:
            blocks[category.pk] = CategoryBlock(
                id=category.pk, slug=category.slug, name=category.label(language, fallback),
                description=category.text(language, fallback),
            )  # fmt: skip
    for category in categories:
        if category.parent_id in blocks:
            section = Section(
                id=category.pk, slug=category.slug, name=category.label(language, fallback),
                description=category.text(language, fallback),
            )  # fmt: skip
            sections[category.pk] = section
            blocks[category.parent_id].sections.append(section)
    for link in links:
        if link.category_id in blocks:
            blocks[link.category_id].articles.append(link)
        elif link.category_id in sections:
            sections[link.category_id].articles.append(link)
    return list(blocks.values())


def home_for(tenant: Tenant, center: HelpCenter, language: str) -> Home:
    """The home page: every category with its sections and articles, and the latest
    announcements. Two queries whatever the number of articles."""
    with tenant_scope(tenant):
        categories = list(Category.objects.order_by("position", "id"))
        links = _published_translations(center, language).values()
    announcements = sorted(
        (link for link in links if link.kind == Kind.ANNOUNCEMENT),
        key=lambda link: (link.published_at is not None, link.published_at),
        reverse=True,
    )
    others = [link for link in links if link.kind != Kind.ANNOUNCEMENT]
    blocks = [block for block in _blocks(center, language, categories, others) if block.count]
    return Home(categories=blocks, announcements=announcements[:HOME_ANNOUNCEMENTS])


def category_for(tenant: Tenant, center: HelpCenter, language: str,
                 slug: str) -> CategoryBlock | Moved | None:  # fmt: skip
    """A category page's category with its sections and all their published articles; a
    section's slug answers Moved to its category (the section is a part of that page)."""
    with tenant_scope(tenant):
        categories = list(Category.objects.order_by("position", "id"))
        chosen = next((c for c in categories if c.slug == slug), None)
        if chosen is None:
            return None
        if chosen.parent_id is not None:
            parent = next(c for c in categories if c.pk == chosen.parent_id)
            return Moved(language=language, slug=parent.slug)
        family = [c for c in categories if c.pk == chosen.pk or c.parent_id == chosen.pk]
        links = _published_translations(
            center, language, category_id__in=[c.pk for c in family]
        ).values()
    block = _blocks(center, language, family, links)[0]
    # A category with nothing published yet is not there for readers, name included.
    return block if block.count else None


def _article_by_address(center: HelpCenter, language: str, slug: str):
    """(translation, moved) for the address /<language>/a/<slug>/ of a published article."""
    published = ArticleTranslation.objects.filter(article__status=Status.PUBLISHED).select_related(
        "article__category__parent"
    )
    found = published.filter(language=language, slug=slug).first()
    if found is not None:
        return found, None
    old = (
        SlugRedirect.objects.filter(
            language=language, old_slug=slug, article__status=Status.PUBLISHED
        )  # fmt: skip
        .values_list("article_id", flat=True)
        .first()
    )
    if old is not None:
        current = published.filter(article_id=old, language=language).first()
        if current is not None:
            return None, Moved(language=language, slug=current.slug)
    # Another language's slug (a link to the fallback text, or a switched language): the
    # visitor's language when the article has it, else that text with a note.
    others = list(published.filter(slug=slug, language__in=languages_of(center)))
    if not others:
        return None, None
    others.sort(key=lambda t: t.language != center.fallback_language)
    chosen = others[0]
    own = published.filter(article_id=chosen.article_id, language=language).first()
    if own is not None:
        return None, Moved(language=language, slug=own.slug)
    return chosen, None


def article_for(tenant: Tenant, center: HelpCenter, language: str,
                slug: str) -> ArticlePage | Moved | None:  # fmt: skip
    """The article page at /<language>/a/<slug>/, Moved when it lives at another address,
    None when there is no published article there (a draft's address answers the same)."""
    with tenant_scope(tenant):
        translation, moved = _article_by_address(center, language, slug)
        if translation is None:
            return moved
        article = translation.article
        versions = [
            Version(language=lang, slug=s, title=t)
            for lang, s, t in ArticleTranslation.objects.filter(
                article=article, language__in=languages_of(center)
            ).values_list("language", "slug", "title")
        ]
        related = related_for(tenant, center, language, article)
    category = article.category
    parent = category.parent
    fallback = center.fallback_language
    crumbs = Crumb(slug=category.slug, name=category.label(language, fallback))
    return ArticlePage(
        id=article.pk, kind=article.kind, language=translation.language,
        fallback=translation.language != language, title=translation.title,
        slug=translation.slug, summary=translation.summary, body_html=translation.body_html,
        toc=list(translation.toc or []),
        updated_at=max(translation.updated_at, article.updated_at),
        category=Crumb(slug=parent.slug, name=parent.label(language, fallback))
        if parent else crumbs,
        section=crumbs if parent else None,
        versions=sorted(versions, key=lambda v: languages_of(center).index(v.language)),
        related=related,
    )  # fmt: skip


def related_for(tenant: Tenant, center: HelpCenter, language: str,
                article: Article) -> list[ArticleLink]:  # fmt: skip
    """The article's chosen related articles (published ones), then others of its section
    or category, RELATED at most."""
    with tenant_scope(tenant):
        chosen = list(
            RelatedArticle.objects.filter(article=article, related__status=Status.PUBLISHED)
            .order_by("position", "id")
            .values_list("related_id", flat=True)
        )
        links = _published_translations(center, language, pk__in=chosen) if chosen else {}
        picked = [links[pk] for pk in chosen if pk in links]
        if len(picked) < RELATED:
            siblings = _published_translations(center, language, category_id=article.category_id)
            taken = {article.pk, *(link.id for link in picked)}
            picked += [link for pk, link in siblings.items() if pk not in taken]
    return picked[:RELATED]


def key_article_for(tenant: Tenant, center: HelpCenter, language: str,
                    key: str) -> ArticleLink | None:  # fmt: skip
    """The published article with help key `key`, in `language` or the fallback; else, when
    it has neither, in any language of the help center."""
    with tenant_scope(tenant):
        found = _published_translations(center, language, help_key=key)
        if found:
            return next(iter(found.values()))
        row = (
            ArticleTranslation.objects.filter(
                article__help_key=key,
                article__status=Status.PUBLISHED,
                language__in=languages_of(center),
            )  # fmt: skip
            .order_by("language")
            .values_list(*LISTED_FIELDS)
            .first()
        )
    if row is None:
        return None
    return ArticleLink(id=row[6], title=row[2], slug=row[3], summary=row[4], language=row[1],
                       kind=row[7], category_id=row[8], fallback=True)  # fmt: skip


def widget_articles_for(tenant: Tenant, center: HelpCenter, language: str,
                        key: str) -> list[ArticleLink]:  # fmt: skip
    """The help widget's list: the article with help key `key` first, then the others of its
    section (or category); nothing for an unknown key."""
    with tenant_scope(tenant):
        found = (
            Article.objects.filter(help_key=key, status=Status.PUBLISHED)
            .values_list("pk", "category_id")
            .first()
        )
        if found is None:
            return []
        key_id, category_id = found
        links = list(_published_translations(center, language, category_id=category_id).values())
    links.sort(key=lambda link: link.id != key_id)  # stable: the others keep their order
    return links


@dataclass(frozen=True)
class SitemapEntry:
    language: str
    slug: str
    updated_at: datetime
    alternates: tuple[tuple[str, str], ...]


def sitemap_for(tenant: Tenant, center: HelpCenter) -> list[SitemapEntry]:
    """Every published article in every language of the help center, each with the other
    languages' addresses (hreflang alternates). One query."""
    with tenant_scope(tenant):
        rows = list(
            ArticleTranslation.objects.filter(
                article__status=Status.PUBLISHED, language__in=languages_of(center)
            )
            .annotate(article_updated=F("article__updated_at"))
            .order_by("article_id", "language")
            .values_list("article_id", "language", "slug", "updated_at", "article_updated")
        )
    by_article = defaultdict(list)
    for row in rows:
        by_article[row[0]].append(row)
    entries = []
    for versions in by_article.values():
        alternates = tuple((language, slug) for _pk, language, slug, _u, _a in versions)
        for _pk, language, slug, updated, article_updated in versions:
            entries.append(SitemapEntry(language=language, slug=slug, alternates=alternates,
                                        updated_at=max(updated, article_updated)))  # fmt: skip
    return entries
