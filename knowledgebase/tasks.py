"""Celery tasks of the knowledge base: scheduled articles published when their time comes
(beat, every minute, one task per tenant with articles due); each calls a service."""

from celery import shared_task
from django.utils import timezone

from knowledgebase.models import Article, Status
from knowledgebase.services.articles import articles_publish_due
from tenants.tenancy.context import cross_tenant
from tenants.tenancy.tasks import tenant_task


@shared_task(name="knowledgebase.tasks.articles_publish_due_all")
def articles_publish_due_all() -> int:
    """Queue a publishing run for each tenant with scheduled articles now due."""
    with cross_tenant():  # which tenants have articles due (tenant ids only)
        due = list(
            Article.objects.unscoped()
            .filter(status=Status.SCHEDULED, publish_at__lte=timezone.now())
            .order_by("tenant_id")
            .values_list("tenant_id", flat=True)
            .distinct()
        )
    for tenant_id in due:
        articles_publish.delay(tenant_id)
    return len(due)


@tenant_task()
def articles_publish(tenant) -> int:
    """Publish the tenant's scheduled articles that are due (a second run publishes none)."""
    return articles_publish_due(tenant=tenant)
