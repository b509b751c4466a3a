"""The public, read-only help center API: a tenant's published articles by language, one
article by its slug, and search, without sign-in (the same content as the public help
center pages), throttled per address.

The tenant is named by its slug in the path and only its published articles are read; drafts,
scheduled articles and other tenants' articles answer 404 as if they did not exist."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from knowledgebase.api.serializers import UnicodeSlugField
from knowledgebase.models import (
    ArticleTranslation,
    Category,
    HelpCenter,
    Language,
    RelatedArticle,
    SlugRedirect,
    Status,
)
from knowledgebase.models.languages import language_or
from knowledgebase.search.query import search_articles, search_log
from tenants.api.pagination import DefaultCursorPagination
from tenants.api.throttling import TenantKeyRateThrottle
from tenants.models import Tenant
from tenants.tenancy import context

MAX_SEARCH_RESULTS = 20


class PublicHelpThrottle(TenantKeyRateThrottle):
    """Per address, whatever credentials come along: the public API has no keys."""

    scope = "kb_public"
    default_rate = "300/minute"

    def get_rate(self):
        # Settings that name only the other scopes (a test's override) keep this one limited.
        return self.THROTTLE_RATES.get(self.scope, self.default_rate)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": f"ip:{self.get_ident(request)}"}


class PublicArticleSerializer(serializers.ModelSerializer):
    slug = UnicodeSlugField(read_only=True)
    kind = serializers.CharField(source="article.kind")
    category = serializers.SlugRelatedField(source="article.category", slug_field="slug",
                                            read_only=True)  # fmt: skip
    published_at = serializers.DateTimeField(source="article.published_at")

    class Meta:
        model = ArticleTranslation
        fields = ["language", "slug", "title", "summary", "kind", "category", "tags",
                  "published_at", "updated_at"]  # fmt: skip


class RelatedSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class PublicArticleDetailSerializer(PublicArticleSerializer):
    body_html = serializers.CharField(help_text=_("Sanitised HTML of the article's body."))
    toc = serializers.ListField(
        child=serializers.DictField(), help_text=_("Headings: [{id, text, level}].")
    )
    related = serializers.SerializerMethodField()

    class Meta(PublicArticleSerializer.Meta):
        fields = [*PublicArticleSerializer.Meta.fields, "body_html", "toc", "related"]

    def get_related(self, translation) -> RelatedSerializer(many=True):
        return self.context.get("related", [])


class SearchHitSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    kind = serializers.CharField()
    snippet = serializers.CharField(help_text=_("Escaped text with <mark> around the matches."))


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    language = serializers.CharField()
    total = serializers.IntegerField()
    fuzzy = serializers.BooleanField(help_text=_("True when only near spellings matched."))
    suggestions = serializers.ListField(child=serializers.CharField())
    results = SearchHitSerializer(many=True, source="hits")


TENANT_SLUG = OpenApiParameter(
    "tenant_slug", OpenApiTypes.STR, OpenApiParameter.PATH,
    description="The tenant's slug, as in its help center address /help/<tenant_slug>/.",
)  # fmt: skip
LANG = OpenApiParameter(
    "lang", OpenApiTypes.STR, enum=Language.values,
    description="Language; an unknown one or one the help center does not publish falls back.",
)  # fmt: skip


class PublicHelpMixin:
    """No credentials: the tenant comes from the path's slug and is active for the request."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicHelpThrottle]

    def dispatch(self, request, *args, **kwargs):
        self._token = None
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._token is not None:
                context.deactivate(self._token)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # throttled before any lookup
        self.tenant = get_object_or_404(Tenant, slug=str(kwargs.get("tenant_slug", ""))[:50])
        self._token = context.activate(self.tenant)
        center = HelpCenter.objects.first()
        self.languages = center.languages if center else [Language.EN]
        fallback = center.fallback_language if center else Language.EN
        language = language_or(request.query_params.get("lang"), fallback)
        self.language = language if language in self.languages else fallback

    def published(self):
        return ArticleTranslation.objects.filter(
            language=self.language, article__status=Status.PUBLISHED
        ).select_related("article", "article__category")


class PublicPagination(DefaultCursorPagination):
    page_size = 20
    max_page_size = 100


EXAMPLE_ARTICLE = {
    "language": "en", "slug": "invite-your-team", "title": "Invite your team",
    "summary": "Add teammates and choose what each of them can do.", "kind": "tutorial",
    "category": "team", "tags": ["team", "invitations"],
    "published_at": "2026-11-02T09:00:00Z", "updated_at": "2026-11-20T15:04:00Z",
}  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="List a help center's published articles",
        auth=[], parameters=[TENANT_SLUG, LANG, OpenApiParameter(
            "category", OpenApiTypes.STR,
            description="A category's slug: its articles and those of its sections.")],
        examples=[OpenApiExample("Articles", value=EXAMPLE_ARTICLE, response_only=True)],
        tags=["help center (public)"],
    ),
    retrieve=extend_schema(
        summary="Get one published article by its slug",
        description="An old slug of a renamed article answers the article as it is now.",
        auth=[], parameters=[TENANT_SLUG, LANG],
        examples=[OpenApiExample("An article", response_only=True, value={
            **EXAMPLE_ARTICLE, "body_html": '<h2 id="how">How</h2><ol><li>Open ...</li></ol>',
            "toc": [{"id": "how", "text": "How", "level": 2}],
            "related": [{"slug": "share-a-dashboard", "title": "Share a dashboard"}]})],
        tags=["help center (public)"],
    ),
)  # fmt: skip
class PublicArticleViewSet(PublicHelpMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):  # fmt: skip
    serializer_class = PublicArticleSerializer
    pagination_class = PublicPagination
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_serializer_class(self):
        return (
            PublicArticleDetailSerializer
            if self.action == "retrieve"
            else super().get_serializer_class()
        )

    def get_queryset(self):
        articles = self.published()
        slug = self.request.query_params.get("category")
        if slug and self.action == "list":
            # A NUL cannot reach PostgreSQL; no slug has one.
            category = None if "\x00" in slug else Category.objects.filter(slug=slug[:80]).first()
            if category is None:
                raise ValidationError({"category": [_("No category has this slug.")]})
            articles = articles.filter(article__category__in=[category, *category.sections.all()])
        return articles

    def get_object(self):
        slug = self.kwargs["slug"][:200]
        if "\x00" in slug:
            raise NotFound
        found = self.published().filter(slug=slug).first()
        if found is None:
            moved = SlugRedirect.objects.filter(language=self.language, old_slug=slug).first()
            if moved is not None:
                found = self.published().filter(article_id=moved.article_id).first()
        if found is None:
            raise NotFound()
        return found

    def retrieve(self, request, *args, **kwargs):
        translation = self.get_object()
        links = (
            RelatedArticle.objects.filter(
                article_id=translation.article_id, related__status=Status.PUBLISHED
            )  # fmt: skip
            .order_by("position", "id")
            .prefetch_related(
                Prefetch(
                    "related__translations",
                    queryset=ArticleTranslation.objects.filter(language=self.language),
                    to_attr="shown",
                )
            )
        )
        related = [
            {"slug": link.related.shown[0].slug, "title": link.related.shown[0].title}
            for link in links
            if link.related.shown
        ]
        serializer = self.get_serializer(translation, context={
            **self.get_serializer_context(), "related": related})  # fmt: skip
        return Response(serializer.data)


class PublicSearchView(PublicHelpMixin, GenericAPIView):
    serializer_class = SearchResultsSerializer

    @extend_schema(
        summary="Search a help center's published articles",
        description="Ranked by title, tags, summary and body, in the language asked; near "
        "spellings when nothing matches exactly; suggestions when nothing matches at all.",
        auth=[], tags=["help center (public)"],
        parameters=[TENANT_SLUG, LANG,
                    OpenApiParameter("q", OpenApiTypes.STR, description="What to search for."),
                    OpenApiParameter("limit", OpenApiTypes.INT, description="At most 20."),
                    OpenApiParameter("offset", OpenApiTypes.INT)],
        examples=[OpenApiExample("Results", response_only=True, value={
            "query": "invite", "language": "en", "total": 1, "fuzzy": False,
            "suggestions": [], "results": [{
                "slug": "invite-your-team", "title": "Invite your team",
                "summary": "Add teammates and choose what each of them can do.",
                "kind": "tutorial", "snippet": "<mark>Invite</mark> the people who talk ..."}]})],
    )  # fmt: skip
    def get(self, request, *args, **kwargs):
        query = request.query_params.get("q", "").replace("\x00", "")[:200]
        errors, numbers = {}, {}
        for name, default, high in (("limit", 10, MAX_SEARCH_RESULTS), ("offset", 0, 1000)):
            try:
                numbers[name] = int(request.query_params.get(name, default))
                if not 0 <= numbers[name] <= high:
                    raise ValueError
            except ValueError:
                errors[name] = [_("A whole number from 0 to %(n)s.") % {"n": high}]
        if errors:
            raise ValidationError(errors)
        results = search_articles(
            tenant=self.tenant, language=self.language, query=query,
            limit=max(numbers["limit"], 1), offset=numbers["offset"],
        )  # fmt: skip
        if numbers["offset"] == 0:  # a next page is the same search
            search_log(tenant=self.tenant, language=self.language, query=query,
                       results=results.total, fuzzy=results.fuzzy)  # fmt: skip
        return Response(SearchResultsSerializer(results).data)
