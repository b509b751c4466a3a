"""Articles of the knowledge base and their translations.

An article is what stays the same across languages: its kind, place (a category or section),
status, help key, external id and related articles. Its words live in one translation per
language: title, slug, summary, Markdown body and tags, with the rendered HTML (sanitised
when saved) and the search vector built from them. Only published articles are public; a
scheduled one is published by the beat job when its time comes."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from knowledgebase.models.category import Category
from knowledgebase.models.languages import Language
from tenants.tenancy.models import TenantModel


class Kind(models.TextChoices):
    TUTORIAL = "tutorial", _("Tutorial")
    FAQ = "faq", _("FAQ")
    DOC = "doc", _("Product doc")
    ANNOUNCEMENT = "announcement", _("Announcement")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SCHEDULED = "scheduled", _("Scheduled")


help_key_help = _(
    "A stable name your product links to (/help/<tenant>/key/<help key>/); letters, digits, "
    "dots, hyphens and underscores."
)


class Article(TenantModel):
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("category or section"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TUTORIAL)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    help_key = models.CharField(_("help key"), max_length=100, blank=True, help_text=help_key_help)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    author = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "help_key"],
                condition=~models.Q(help_key=""),
                name="kb_article_help_key",
            ),
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="kb_article_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "publish_at"]),
            models.Index(fields=["tenant", "category", "status"]),
        ]

    def __str__(self) -> str:
        return self.help_key or f"article {self.pk}"


class ArticleTranslation(TenantModel):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="translations", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    tags = ArrayField(models.CharField(max_length=60), verbose_name=_("tags"), default=list,
                      blank=True)  # fmt: skip
    # Written by the save service: the sanitised HTML, its headings (the table of contents),
    # the plain text (for snippets), the search vector and the text for typo-tolerant matching
    # (trigram-indexed by migration 0001 where the database has pg_trgm).
    body_html = models.TextField(editable=False, default="", verbose_name=_("body HTML"))
    toc = models.JSONField(editable=False, default=list, verbose_name=_("table of contents"))
    plain = models.TextField(editable=False, default="", verbose_name=_("plain text"))
    search = SearchVectorField(null=True, editable=False, verbose_name=_("search"))
    fuzzy = models.TextField(editable=False, default="", verbose_name=_("text for fuzzy matching"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["article_id", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "article", "language"], name="kb_translation_language"
            ),
            models.UniqueConstraint(
                fields=["tenant", "language", "slug"], name="kb_translation_slug"
            ),
        ]
        indexes = [
            GinIndex(fields=["search"], name="kb_translation_search"),
        ]

    def __str__(self) -> str:
        return self.title


class RelatedArticle(TenantModel):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_links", verbose_name=_("article")
    )
    related = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name=_("related article")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "article", "related"], name="kb_related"),
            models.CheckConstraint(
                condition=~models.Q(article=models.F("related")), name="kb_related_not_self"
            ),
        ]


class ArticleRevision(TenantModel):
    """One saved state of a translation, written by every save; restoring one saves it again
    as the newest revision."""

    translation = models.ForeignKey(
        ArticleTranslation,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("translation"),
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    tags = ArrayField(
        models.CharField(max_length=60), default=list, blank=True, verbose_name=_("tags")
    )
    saved_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "translation", "number"], name="kb_revision_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} #{self.number}"


class SlugRedirect(TenantModel):
    """An old slug of a translation: its URL redirects to the article's current one."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="slug_redirects", verbose_name=_("article")
    )
    language = models.CharField(max_length=8, choices=Language.choices, verbose_name=_("language"))
    old_slug = models.SlugField(max_length=200, allow_unicode=True, verbose_name=_("old slug"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "language", "old_slug"], name="kb_slug_redirect"
            )
        ]
