"""Models of the knowledge base: categories, articles with their translations, revisions and
old addresses, images, and what readers do (views, feedback, searches)."""

from knowledgebase.models.analytics import (
    ArticleFeedback,
    ArticleViewDay,
    FeedbackReason,
    SearchQuery,
)
from knowledgebase.models.article import (
    Article,
    ArticleRevision,
    ArticleTranslation,
    Kind,
    RelatedArticle,
    SlugRedirect,
    Status,
)
from knowledgebase.models.category import Category
from knowledgebase.models.languages import Language
from knowledgebase.models.media import ArticleImage
from knowledgebase.models.settings import HelpCenter

__all__ = [
    "Article",
    "ArticleFeedback",
    "ArticleImage",
    "ArticleRevision",
    "ArticleTranslation",
    "ArticleViewDay",
    "Category",
    "FeedbackReason",
    "HelpCenter",
    "Kind",
    "Language",
    "RelatedArticle",
    "SearchQuery",
    "SlugRedirect",
    "Status",
]
