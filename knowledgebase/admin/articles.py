"""The article admin pages: the list (filters, search, the tenant's time), the change page
with one translation per language saved through `translation_save`, related articles, old
addresses (read-only), and the article's own pages: the Markdown preview and the revision
history with restore (knowledgebase/admin/article_pages.py)."""

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from knowledgebase.admin import article_pages
from knowledgebase.admin.article_forms import (
    ArticleForm,
    RelatedChoiceField,
    RelatedFormSet,
    TranslationForm,
    TranslationFormSet,
    related_choices,
)
from knowledgebase.admin.base import KnowledgeBaseAdmin, acting_member, acting_tenant
from knowledgebase.cache import help_center_changed
from knowledgebase.models import (
    Article,
    ArticleTranslation,
    Category,
    Language,
    RelatedArticle,
    SlugRedirect,
    Status,
)
from knowledgebase.services.articles import translation_save
from tenants.templatetags.l10n_extras import local_datetime
from tenants.tenancy.admin import TenantChildInline

ASSETS_JS = ["knowledgebase/admin_preview.js"]
ASSETS_CSS = {"all": ["knowledgebase/admin.css"]}


class TranslationInline(TenantChildInline):
    model = ArticleTranslation
    form = TranslationForm
    formset = TranslationFormSet
    extra = 1
    max_num = len(Language.values)
    template = "admin/edit_inline/stacked.html"
    verbose_name = _("translation")
    verbose_name_plural = _("translations")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.tenant = acting_tenant(request, obj)
        body = formset.form.base_fields["body"].widget
        body.attrs["data-preview-url"] = reverse("admin:knowledgebase_article_preview")
        body.attrs["data-preview-label"] = gettext("Preview")
        return formset


class RelatedInline(TenantChildInline):
    model = RelatedArticle
    fk_name = "article"
    formset = RelatedFormSet
    fields = ["related", "position"]
    extra = 0
    verbose_name = _("related article")
    verbose_name_plural = _("related articles")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only the tenant's own articles, never the article itself.
        formset.form.base_fields["related"] = RelatedChoiceField(
            queryset=related_choices(
                acting_tenant(request, obj), exclude_pk=obj.pk if obj else None
            ),
            label=capfirst(_("related article")),
        )
        return formset


class OldAddressInline(TenantChildInline):
    """A translation's earlier slugs: their addresses lead readers to the current one."""

    model = SlugRedirect
    fields = ["language", "address", "created_at"]
    readonly_fields = ["language", "address", "created_at"]
    extra = 0
    can_delete = False
    verbose_name = _("old address")
    verbose_name_plural = _("old addresses")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("address"))
    def address(self, obj):
        try:
            return reverse("help-article", args=[obj.tenant.slug, obj.language, obj.old_slug])
        except NoReverseMatch:
            return f"/help/{obj.tenant.slug}/{obj.language}/a/{obj.old_slug}/"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("tenant")
            .order_by("language", "-created_at")
        )


class CategoryFilter(admin.SimpleListFilter):
    title = _("category or section")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        tenant = acting_tenant(request)
        if tenant is None:
            return []
        categories = Category.objects.for_tenant(tenant).select_related("parent")
        return [(str(c.pk), _category_label(c)) for c in categories]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value.isascii() and value.isdigit() and len(value) < 19:
            return queryset.filter(category_id=int(value))
        return queryset


def _category_label(category) -> str:
    if category.parent_id:
        return f"{category.parent.label('en')} › {category.label('en')}"
    return category.label("en")


class LanguageFilter(admin.SimpleListFilter):
    title = _("language present")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return Language.choices

    def queryset(self, request, queryset):
        if self.value() in Language.values:
            return queryset.filter(translations__language=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(KnowledgeBaseAdmin):
    form = ArticleForm
    inlines = [TranslationInline, RelatedInline, OldAddressInline]
    list_display = ["title", "status", "kind", "category_shown", "languages", "updated"]
    list_filter = ["status", "kind", CategoryFilter, LanguageFilter]
    search_fields = ["translations__title", "translations__fuzzy", "help_key", "external_id"]
    readonly_fields = ["published_at", "author"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["category", "kind", "position"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "published_at"]}),
        (_("Links"), {"fields": ["help_key", "external_id", "author"]}),
    ]

    class Media:
        js = ASSETS_JS
        css = ASSETS_CSS

    def get_queryset(self, request):
        # The translations of the listed articles only (ids from the tenant-scoped list).
        translations = ArticleTranslation.objects.unscoped().only(
            "id", "article_id", "language", "title"
        )
        return (
            super()
            .get_queryset(request)
            .select_related("category__parent", "tenant")
            .prefetch_related(Prefetch("translations", queryset=translations))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.tenant = tenant = acting_tenant(request, obj)
        zone = tenant.time_zone if tenant is not None else "UTC"
        form.base_fields["publish_at"].help_text = _(
            "Needed for a scheduled article; in the time zone %(zone)s."
        ) % {"zone": zone}
        return form

    @admin.display(description=_("title"))
    def title(self, obj):
        translations = sorted(obj.translations.all(), key=lambda t: t.language != Language.EN)
        return translations[0].title if translations else str(obj)

    @admin.display(description=_("category or section"), ordering="category__position")
    def category_shown(self, obj):
        return _category_label(obj.category)

    @admin.display(description=_("languages"))
    def languages(self, obj):
        return ", ".join(sorted(t.language for t in obj.translations.all())) or "—"

    @admin.display(description=_("updated (tenant time)"), ordering="updated_at")
    def updated(self, obj):
        # The column heading names the zone.
        return local_datetime(obj.updated_at, "unlabelled")

    def changelist_view(self, request, extra_context=None):
        tenant = acting_tenant(request)
        extra_context = {**(extra_context or {}),
                         "tenant_zone": tenant.time_zone if tenant else "UTC"}  # fmt: skip
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Headed by the article's title rather than its help key or number.
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context = {**(extra_context or {}), "subtitle": self.title(article)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        tenant = acting_tenant(request, obj)
        if not change:
            obj.author = acting_member(request, tenant)
        previous = Article.objects.for_tenant(tenant).filter(pk=obj.pk).values_list(
            "status", flat=True
        ).first() if change else None  # fmt: skip
        if obj.status == Status.PUBLISHED and previous != Status.PUBLISHED:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)
        help_center_changed(tenant)

    def delete_model(self, request, obj):
        tenant = obj.tenant
        super().delete_model(request, obj)
        help_center_changed(tenant)

    def delete_queryset(self, request, queryset):
        tenants = {row.tenant for row in queryset.select_related("tenant")}
        super().delete_queryset(request, queryset)
        for tenant in tenants:
            help_center_changed(tenant)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ArticleTranslation:
            return super().save_formset(request, form, formset, change)
        article = form.instance
        tenant = article.tenant
        member = acting_member(request, tenant)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for item in formset.forms:
            if not item.cleaned_data:
                continue
            if item.cleaned_data.get("DELETE") and item.instance.pk:
                formset.deleted_objects.append(item.instance)
                item.instance.delete()
                help_center_changed(tenant)
        for item in formset.kept():
            created = item.instance.pk is None
            # The only way a translation is written: rendered, revised, redirected, indexed.
            saved = translation_save(
                tenant=tenant,
                article=article,
                language=item.cleaned_data["language"],
                values=item.values(),
                saved_by=member,
            )
            if created:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, item.changed_data))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("preview/", view(self.preview_view), name="knowledgebase_article_preview"),
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name="knowledgebase_article_revisions",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        return article_pages.preview(self, request)

    def revisions_view(self, request, object_id):
        return article_pages.revisions(self, request, object_id)
