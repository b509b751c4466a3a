"""Admin site of the knowledge base (tenant staff: own rows only): the help center's
settings, categories and sections, articles with their translations, related articles,
old addresses, revisions and a live preview, and images."""

from knowledgebase.admin import articles, categories, help_center, images  # noqa: F401
