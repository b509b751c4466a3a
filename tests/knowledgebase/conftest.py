"""Fixtures of the knowledge base tests: `kb` writes categories and articles for a tenant
through the services, as the admin site and the API do."""

import pytest

from knowledgebase.models import Article, Category, Status
from knowledgebase.services.articles import translation_save
from tenants.tenancy.context import tenant_scope


class KnowledgeBase:
    def __init__(self, tenant):
        self.tenant = tenant
        with tenant_scope(tenant):
            self.category = Category.objects.create(
                slug="getting-started",
                name={"en": "Getting started", "zh-hans": "入门", "ru": "Начало работы",
                      "ro": "Primii pași"},
            )  # fmt: skip

    def article(self, translations: dict, *, status=Status.PUBLISHED, category=None, **fields):
        """An article with {language: {title, body, summary?, tags?, slug?}}."""
        with tenant_scope(self.tenant):
            article = Article.objects.create(
                category=category or self.category, status=status, **fields
            )
        for language, values in translations.items():
            translation_save(tenant=self.tenant, article=article, language=language,
                             values=values)  # fmt: skip
        return article


@pytest.fixture
def kb(tenant):
    return KnowledgeBase(tenant)


@pytest.fixture
def other_kb(other_tenant):
    return KnowledgeBase(other_tenant)
