"""Writes sent from a page of another tenant than the active one (a tab left open while the
user switched tenants in another) are refused with 409, never stored in the active tenant.

Every form of a tenant page carries the page's tenant in a hidden field (`{% tenant_field %}`)
and every htmx request in the `X-Tenant` header (base.html); a request that carries neither
(an API client, a script) is not a page's and is not checked here."""

from django.shortcuts import render

MARKER_FIELD = "tenant_marker"
MARKER_HEADER = "X-Tenant"


def page_tenant(request) -> str | None:
    """The tenant id the sending page was shown for, if the request says."""
    marker = request.headers.get(MARKER_HEADER)
    if marker is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        marker = request.POST.get(MARKER_FIELD)
    return marker


def stale_tab_response(request, marker: str):
    """409 with a page that says what happened, or None when the page is the active tenant's."""
    if marker == str(request.tenant.pk):
        return None
    page_tenant_name = next(
        (m.tenant.name for m in request.memberships if str(m.tenant_id) == marker), None
    )
    context = {"page_tenant": page_tenant_name, "active_tenant": request.tenant}
    return render(request, "tenants/stale_tab.html", context, status=409)
