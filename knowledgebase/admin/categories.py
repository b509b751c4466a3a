"""Categories and sections in the admin site: a category has no parent, a section's parent
is a category (never a section: two levels only). Names and descriptions are typed in one
field per language and kept as {language: text}."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from knowledgebase.admin.base import KnowledgeBaseAdmin, acting_tenant
from knowledgebase.cache import help_center_changed
from knowledgebase.models import Category, Language


def _key(code: str) -> str:
    return code.replace("-", "_")


NAME_FIELDS = {code: f"name_{_key(code)}" for code in Language.values}
DESCRIPTION_FIELDS = {code: f"description_{_key(code)}" for code in Language.values}


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label("en")


class CategoryFormBase(forms.ModelForm):
    parent = ParentChoiceField(
        queryset=Category.objects.none(),  # the page's tenant's, set in __init__
        required=False,
        label=_("category"),
        help_text=_("Leave empty for a top-level category; choose one to make this a section."),
    )

    tenant = None  # the page's tenant, set by the admin

    class Meta:
        model = Category
        fields = ["parent", "slug", "position"]

    def _categories(self):
        if self.tenant is None:
            return Category.objects.none()
        return Category.objects.for_tenant(self.tenant)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = self.instance.name or {}
        texts = self.instance.description or {}
        for code in Language.values:
            self.initial.setdefault(NAME_FIELDS[code], names.get(code, ""))
            self.initial.setdefault(DESCRIPTION_FIELDS[code], texts.get(code, ""))
        # Any category of the tenant is offered, so that a section chosen by mistake gets
        # a message saying why rather than "not a valid choice".
        parents = self._categories().select_related("parent").order_by("position", "id")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is None:
            return None
        if parent.parent_id is not None:
            raise forms.ValidationError(
                _("“%(name)s” is a section; a section can only be placed in a category.")
                % {"name": parent.label("en")}
            )
        if self.instance.pk and self.instance.sections.exists():
            raise forms.ValidationError(
                _("This category has sections, so it cannot become a section itself.")
            )
        return parent

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        taken = self._categories().filter(slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if slug and taken.exists():
            raise forms.ValidationError(
                _("Another category already has the slug “%(slug)s”.") % {"slug": slug}
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        names = {code: (cleaned.get(field) or "").strip() for code, field in NAME_FIELDS.items()}
        if not any(names.values()):
            self.add_error(NAME_FIELDS[Language.EN], _("Give a name in at least one language."))
        return cleaned

    def save(self, commit=True):
        category = super().save(commit=False)
        category.name = {
            code: text for code, field in NAME_FIELDS.items()
            if (text := (self.cleaned_data.get(field) or "").strip())
        }  # fmt: skip
        category.description = {
            code: text for code, field in DESCRIPTION_FIELDS.items()
            if (text := (self.cleaned_data.get(field) or "").strip())
        }  # fmt: skip
        if commit:
            category.save()
        return category


def _language_fields() -> dict:
    fields = {}
    for code, label in Language.choices:
        fields[NAME_FIELDS[code]] = forms.CharField(
            label=format_lazy(_("Name ({language})"), language=label),
            max_length=120,
            required=False,
        )
        fields[DESCRIPTION_FIELDS[code]] = forms.CharField(
            label=format_lazy(_("Description ({language})"), language=label),
            max_length=1000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    return fields


# One name and one description field per language, declared so the admin knows them.
CategoryForm = type("CategoryForm", (CategoryFormBase,), _language_fields())


class LevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("category", _("Categories")), ("section", _("Sections"))]

    def queryset(self, request, queryset):
        if self.value() == "category":
            return queryset.filter(parent__isnull=True)
        if self.value() == "section":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Category)
class CategoryAdmin(KnowledgeBaseAdmin):
    form = CategoryForm
    list_display = ["name_shown", "level", "parent_shown", "slug", "position", "article_count"]
    list_filter = [LevelFilter]
    search_fields = ["slug", "name"]
    ordering = ["parent__position", "parent_id", "position", "id"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.tenant = acting_tenant(request, obj)
        return form

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["parent", "slug", "position"]}),
            (_("Names"), {"fields": list(NAME_FIELDS.values())}),
            (_("Descriptions"), {"fields": list(DESCRIPTION_FIELDS.values()),
                                 "classes": ["collapse"]}),
        ]  # fmt: skip

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(articles_total=Count("articles"))
        )

    @admin.display(description=_("name"))
    def name_shown(self, obj):
        return obj.label("en")

    @admin.display(description=_("level"))
    def level(self, obj):
        return _("Section") if obj.parent_id else _("Category")

    @admin.display(description=_("category"))
    def parent_shown(self, obj):
        return obj.parent.label("en") if obj.parent_id else "—"

    @admin.display(description=_("articles"), ordering="articles_total")
    def article_count(self, obj):
        return obj.articles_total

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        help_center_changed(acting_tenant(request, obj))

    def delete_model(self, request, obj):
        tenant = obj.tenant
        super().delete_model(request, obj)
        help_center_changed(tenant)

    def delete_queryset(self, request, queryset):
        tenants = {row.tenant for row in queryset.select_related("tenant")}
        super().delete_queryset(request, queryset)
        for tenant in tenants:
            help_center_changed(tenant)
