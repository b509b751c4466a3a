"""Forms of the article admin page: the article's own fields (a scheduled article needs its
time; help keys and external ids unique in the tenant), its translations checked by
`translation_validate` (each error on the field it names) and its related articles."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import OuterRef, Subquery
from django.forms.models import BaseInlineFormSet
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from knowledgebase.models import Article, ArticleTranslation, Category, Language, Status
from knowledgebase.services.articles import translation_validate

help_key_validator = RegexValidator(
    r"^[A-Za-z0-9._-]+$", _("Use letters, digits, dots, hyphens and underscores only.")
)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.parent_id:
            return f"{obj.parent.label('en')} › {obj.label('en')}"
        return obj.label("en")


class ArticleForm(forms.ModelForm):
    category = CategoryChoiceField(
        queryset=Category.objects.none(),  # the page's tenant's, set in __init__
        label=capfirst(_("category or section")),
    )
    tenant = None  # the page's tenant, set by the admin

    class Meta:
        model = Article
        fields = ["category", "kind", "status", "publish_at", "position", "help_key",
                  "external_id"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["help_key"].validators.append(help_key_validator)
        # The admin shows help texts as HTML: the model's has <placeholders> to keep.
        self.fields["help_key"].help_text = escape(self.fields["help_key"].help_text)
        if self.tenant is not None:
            self.fields["category"].queryset = (
                Category.objects.for_tenant(self.tenant)
                .select_related("parent")
                .order_by("parent__position", "parent_id", "position", "id")
            )

    def _unique(self, name: str, message):
        value = (self.cleaned_data.get(name) or "").strip()
        if value:
            taken = Article.objects.for_tenant(self.tenant).filter(**{name: value})
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise ValidationError(message % {"value": value})
        return value

    def clean_help_key(self):
        return self._unique("help_key", _("Another article already has the help key “%(value)s”."))

    def clean_external_id(self):
        return self._unique(
            "external_id", _("Another article already has the external id “%(value)s”.")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.SCHEDULED and not cleaned.get("publish_at"):
            if "publish_at" not in self.errors:
                self.add_error("publish_at", _("A scheduled article needs the time to publish it."))
        return cleaned


def tags_text(tags) -> str:
    return ", ".join(tags or [])


class TranslationForm(forms.ModelForm):
    slug = forms.CharField(
        label=capfirst(_("slug")),
        max_length=200,
        required=False,
        help_text=_("Made from the title when left empty."),
    )
    tags = forms.CharField(
        label=capfirst(_("tags")),
        required=False,
        help_text=_("Separated by commas."),
        widget=forms.TextInput(attrs={"size": 30}),
    )

    class Meta:
        model = ArticleTranslation
        fields = ["language", "title", "slug", "summary", "body", "tags"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14, "cols": 80, "class": "kb-markdown"}),
            "summary": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = tags_text(self.instance.tags)
            # A translation keeps its language; another language is another translation.
            self.fields["language"].disabled = True

    def clean_tags(self):
        return [tag.strip() for tag in (self.cleaned_data.get("tags") or "").split(",")
                if tag.strip()]  # fmt: skip

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in
                ["title", "slug", "summary", "body", "tags"]}  # fmt: skip


class TranslationFormSet(BaseInlineFormSet):
    """Each changed translation is checked by the service's rules; its errors are shown on
    the fields they name. `tenant` is set by the admin for the page's tenant."""

    tenant = None

    def _construct_form(self, i, **kwargs):
        # A new translation starts in a language the article lacks.
        extra = i - self.initial_form_count()
        if extra >= 0:
            taken = {translation.language for translation in self.get_queryset()}
            free = [code for code in Language.values if code not in taken]
            if extra < len(free):
                kwargs["initial"] = {**kwargs.get("initial", {}), "language": free[extra]}
        return super()._construct_form(i, **kwargs)

    def kept(self):
        return [
            form
            for form in self.forms
            if form.is_bound
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.has_changed() or form.instance.pk is None)
        ]

    def clean(self):
        super().clean()
        languages = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            language = form.cleaned_data.get("language")
            if language in languages:
                form.add_error("language", _("The article already has a translation in this "
                                             "language."))  # fmt: skip
            languages.add(language)
        for form in self.kept():
            if form.errors:
                continue
            try:
                translation_validate(
                    tenant=self.tenant,
                    article=self.instance if self.instance.pk else None,
                    language=form.cleaned_data.get("language"),
                    values=form.values(),
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)


class RelatedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label or str(obj)


def related_choices(tenant, exclude_pk=None):
    """The tenant's articles, each labelled with a title, in one query."""
    if tenant is None:
        return Article.objects.none()
    title = (
        ArticleTranslation.objects.for_tenant(tenant)
        .filter(article=OuterRef("pk"))
        .order_by("language")
    )
    articles = (
        Article.objects.for_tenant(tenant)
        .annotate(label=Subquery(title.values("title")[:1]))
        .order_by("label", "id")
    )
    return articles.exclude(pk=exclude_pk) if exclude_pk else articles


class RelatedFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            related = form.cleaned_data.get("related")
            if related is not None and related.pk in seen:
                form.add_error("related", _("This article is listed already."))
            if related is not None:
                seen.add(related.pk)
