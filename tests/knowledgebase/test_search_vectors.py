"""Search vectors rebuilt in bulk (as a benchmark or an import does) are written under
row-level security as the application role, whether or not the caller is in a tenant scope."""

import pytest

from knowledgebase.models import ArticleTranslation
from knowledgebase.services.articles import search_vectors_update
from tenants.db.session import application_role
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


def test_vectors_are_written_as_the_application_outside_a_scope(kb):
    article = kb.article({"en": {"title": "Invite your team"}})
    with tenant_scope(kb.tenant):
        translation = ArticleTranslation.objects.get(article=article)
        ArticleTranslation.objects.filter(pk=translation.pk).update(search=None)
    with application_role():
        search_vectors_update(tenant=kb.tenant, translation_ids=[translation.pk])
    with tenant_scope(kb.tenant):
        assert "invit" in str(ArticleTranslation.objects.get(pk=translation.pk).search)
