"""The knowledge base API inside the API key's (or signed-in member's) tenant: categories
and sections, and articles with their translations, including an upsert by external id for
integrators who keep their docs elsewhere and sync them in."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from knowledgebase.api.serializers import (
    ArticleSerializer,
    CategorySerializer,
    translations_prefetch,
)
from knowledgebase.models import Article, Category
from knowledgebase.services.article_sync import article_delete, category_delete
from tenants.tenancy.upsert import UpsertMixin
from tenants.tenancy.viewsets import TenantModelViewSet

CATEGORY_EXAMPLE = {
    "slug": "billing", "parent": "account", "position": 2,
    "name": {"en": "Billing", "zh-hans": "账单", "ru": "Оплата", "ro": "Facturare"},
    "description": {"en": "Plans, invoices and payment methods."},
}  # fmt: skip
ARTICLE_EXAMPLE = {
    "external_id": "docs-billing-invoices", "category": "billing", "kind": "faq",
    "status": "published", "help_key": "billing.invoices",
    "translations": {
        "en": {"title": "Where are my invoices?", "summary": "Download every invoice as PDF.",
               "body": "## Invoices\nOwners find them under **Settings → Billing**.",
               "tags": ["billing"]},
        "ro": {"title": "Unde sunt facturile mele?",
               "body": "## Facturi\nProprietarii le găsesc la **Setări → Facturare**."},
    },
}  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="List the help center's categories and sections"),
    retrieve=extend_schema(summary="Get a category or section"),
    create=extend_schema(
        summary="Create a category or section",
        examples=[OpenApiExample("A section", value=CATEGORY_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(summary="Replace a category or section"),
    partial_update=extend_schema(summary="Change some fields of a category or section"),
    destroy=extend_schema(summary="Delete an empty category or section"),
)
class CategoryViewSet(TenantModelViewSet):
    model = Category
    serializer_class = CategorySerializer

    def get_queryset(self):
        return Category.objects.select_related("parent")

    def perform_create(self, serializer):
        serializer.save()  # the service stamps the tenant

    def perform_destroy(self, instance):
        category_delete(tenant=self.request.tenant, category=instance)


UPSERT = (
    "Creates the article or, when one with this `external_id` exists, updates it (201 / 200). "
    "Translations are given by language; a language not sent is kept, and a translation's "
    "fields not sent are kept. Errors name their place, e.g. `translations.ru.slug`. An "
    "external id with a `/` in it (a path) cannot be part of an address: upsert it with POST."
)


@extend_schema_view(
    list=extend_schema(summary="List articles with their translations"),
    retrieve=extend_schema(summary="Get one article"),
    create=extend_schema(
        summary="Create an article, or update the one with this external_id",
        description=UPSERT,
        examples=[OpenApiExample("An article", value=ARTICLE_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(summary="Replace an article's fields; change the translations given"),
    partial_update=extend_schema(summary="Change some fields or translations of an article"),
    destroy=extend_schema(summary="Delete an article with its translations"),
)
class ArticleViewSet(UpsertMixin, TenantModelViewSet):
    model = Article
    serializer_class = ArticleSerializer
    # /articles/<id>/ changes by id; only POST and by-external-id/ upsert.
    update = mixins.UpdateModelMixin.update

    def get_queryset(self):
        return Article.objects.select_related("category").prefetch_related(
            translations_prefetch(), "related_links"
        )

    def upsert_lookup_value(self, key):
        # The serializer keeps an external id without its surrounding spaces: look it up so.
        value = super().upsert_lookup_value(key)
        return value.strip() or None if value is not None else None

    def perform_update(self, serializer):
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError:
            # A help key or external id another request took meanwhile.
            raise ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "Another article took this help key or external id "
                            "meanwhile; send the change again."
                        )
                    ]
                }
            ) from None

    def perform_destroy(self, instance):
        article_delete(tenant=self.request.tenant, article=instance)

    @extend_schema(
        methods=["GET"], summary="Get the article with this external id",
        parameters=[OpenApiParameter("external_id", OpenApiTypes.STR, OpenApiParameter.PATH)],
    )  # fmt: skip
    @extend_schema(
        methods=["PUT"], summary="Create or replace the article with this external id (upsert)",
        description=UPSERT, request=ArticleSerializer, responses={200: ArticleSerializer,
                                                                  201: ArticleSerializer},
        parameters=[OpenApiParameter("external_id", OpenApiTypes.STR, OpenApiParameter.PATH)],
        examples=[OpenApiExample("An article", request_only=True, value={
            k: v for k, v in ARTICLE_EXAMPLE.items() if k != "external_id"})],
    )  # fmt: skip
    @action(detail=False, methods=["get", "put"], url_name="by-external-id",
            url_path=r"by-external-id/(?P<external_id>[^/]+)")  # fmt: skip
    def by_external_id(self, request, external_id: str):
        instance = self._existing(external_id)
        if request.method == "GET":
            if instance is None:
                raise NotFound()
            return Response(self.get_serializer(instance).data)
        data = dict(self._body(request))
        if data.get("external_id") not in (None, "", external_id):
            raise ValidationError({"external_id": [f"Does not match the URL ({external_id!r})."]})
        data["external_id"] = external_id
        serializer = self.get_serializer(instance, data=data)
        serializer.is_valid(raise_exception=True)
        return self._save(serializer, instance)
