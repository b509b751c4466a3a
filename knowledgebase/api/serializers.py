"""Serializers of the knowledge base API: categories, and articles with their translations
nested by language ({"en": {title, slug, summary, body, tags}}); writes go through the
article services, so the API, the admin site and the demo share one path (rendering,
sanitising, revisions, old addresses, search vectors)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_unicode_slug
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from knowledgebase.models import Article, ArticleTranslation, Category, Language
from knowledgebase.services.article_sync import (
    ARTICLE_FIELDS,
    article_save,
    category_save,
)
from tenants.api.fields import StrictSerializer

NAME_HELP = _('Text by language code, e.g. {"en": "Billing", "ro": "Facturare"}.')


def _errors(error: DjangoValidationError) -> dict:
    return (
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )


class LanguageTextField(serializers.DictField):
    """{language: text}, for the help center's languages only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", NAME_HELP)
        super().__init__(child=serializers.CharField(max_length=200, allow_blank=True), **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        unknown = sorted(set(value) - set(Language.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown language: %(code)s") % {"code": ", ".join(unknown)}
            )
        return {language: text.strip() for language, text in value.items() if text.strip()}


class CategorySlugField(serializers.SlugRelatedField):
    """A category of the request's tenant, by its slug."""

    default_error_messages = {
        "does_not_exist": _("No category has the slug {value}."),
        "invalid": _("Must be a string."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return Category.objects.all()

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({
    "type": "string",
    "description": "Letters of any script, digits, hyphens and underscores (e.g. 客户留存).",
})  # fmt: skip
class UnicodeSlugField(serializers.CharField):
    """A slug in any script. Described without a pattern: the schema's regular expressions
    (ECMA-262) read `\\w` as ASCII letters only, so `^[-\\w]+$` would refuse 客户留存."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        # Checked here, not listed in `validators`, which the schema would turn into a pattern.
        try:
            validate_unicode_slug(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        return value


class CategorySerializer(StrictSerializer):
    slug = UnicodeSlugField(max_length=80)
    parent = CategorySlugField(
        required=False, allow_null=True,
        help_text=_("The slug of the category this is a section of; null for a category."),
    )  # fmt: skip
    name = LanguageTextField()
    description = LanguageTextField(required=False)

    class Meta:
        model = Category
        fields = ["id", "slug", "parent", "position", "name", "description", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def validate_name(self, value):
        if not value:
            raise serializers.ValidationError(_("Give the name in at least one language."))
        return value

    def _save(self, instance, validated_data):
        tenant = self.context["request"].tenant
        try:
            return category_save(tenant=tenant, category=instance, fields=validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from None

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class ArticleTranslationSerializer(serializers.Serializer):
    """One language's words of an article. When changing a saved translation, the fields not
    sent are kept; a new one needs a title, and its slug is made from the title if not given."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    slug = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    body = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=_("Markdown. Raw HTML is shown as text; links and images keep only safe "
                    "addresses; a YouTube or Vimeo link written as an image becomes a player."),
    )  # fmt: skip
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=30
    )
    body_html = serializers.CharField(
        read_only=True, help_text=_("The body rendered and sanitised.")
    )
    updated_at = serializers.DateTimeField(read_only=True)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown})
        return super().to_internal_value(data)


@extend_schema_field(serializers.DictField(child=ArticleTranslationSerializer()))
class TranslationsField(serializers.DictField):
    def __init__(self, **kwargs):
        super().__init__(child=ArticleTranslationSerializer(), **kwargs)

    def to_representation(self, value):
        return {
            translation.language: self.child.to_representation(translation)
            for translation in value.all()
        }


class ArticleSerializer(StrictSerializer):
    category = CategorySlugField(
        help_text=_("The slug of its category or section."),
    )  # fmt: skip
    translations = TranslationsField(required=False)
    related = serializers.SerializerMethodField()
    external_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True,
        help_text=_("Your own id of the article (e.g. the name of its file in your docs): "
                    "POST with a known one, or PUT by-external-id/<id>/, updates it."),
    )  # fmt: skip

    class Meta:
        model = Article
        fields = [
            "id", "external_id", "category", "kind", "status", "publish_at", "published_at",
            "position", "help_key", "translations", "related", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "published_at", "created_at", "updated_at"]

    def get_related(self, article) -> list[int]:
        return [link.related_id for link in article.related_links.all()]

    def validate_external_id(self, value):
        if "\x00" in value:
            raise serializers.ValidationError(_("Must not contain NUL characters."))
        value = value.strip()
        if value and self.instance is not None:  # a new one is an upsert of the same row
            if Article.objects.filter(external_id=value).exclude(pk=self.instance.pk).exists():
                raise serializers.ValidationError(_("Another article has this external id."))
        return value

    def validate_help_key(self, value):
        value = value.strip()
        if value and not all(c.isalnum() or c in ".-_" for c in value):
            raise serializers.ValidationError(
                _("Use letters, digits, dots, hyphens and underscores only.")
            )
        if value:
            taken = Article.objects.filter(help_key=value)
            if self.instance is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise serializers.ValidationError(_("Another article has this help key."))
        return value

    def _save(self, instance, validated_data):
        request = self.context["request"]
        translations = validated_data.pop("translations", None)
        fields = {name: value for name, value in validated_data.items() if name in ARTICLE_FIELDS}
        try:
            article = article_save(
                tenant=request.tenant, article=instance, fields=fields,
                translations=translations, saved_by=getattr(request, "membership", None),
            )  # fmt: skip
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from None
        self.created = instance is None
        # Read back with its translations, as a list shows it.
        return (
            Article.objects.filter(pk=article.pk)
            .prefetch_related(translations_prefetch(), "related_links")
            .get()
        )

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


def translations_prefetch() -> Prefetch:
    return Prefetch("translations", queryset=ArticleTranslation.objects.order_by("language"))
