"""Template tags of the tenant boundary: the marker that ties a page's forms to its tenant."""

from django import template
from django.utils.html import format_html

from tenants.tenancy.stale_tab import MARKER_FIELD

register = template.Library()


@register.simple_tag(takes_context=True)
def tenant_field(context):
    """A hidden field naming the tenant the page was shown for, so that a form sent after the
    user switched tenants in another tab is refused instead of written into the new one."""
    tenant = context.get("current_tenant")
    if tenant is None:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', MARKER_FIELD, tenant.pk)
