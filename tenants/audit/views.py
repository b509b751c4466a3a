"""The audit log page and its CSV export, for owners and admins of the active tenant."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render

from tenants.audit.export import audit_csv
from tenants.audit.forms import AuditFilterForm
from tenants.audit.selectors import audit_entries
from tenants.tenancy.views import TenantManageView

PAGE_SIZE = 50


def _filtered(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    return form, audit_entries(tenant=request.tenant, **filters)


class AuditLogView(TenantManageView):
    template_name = "tenants/audit_log.html"

    def get(self, request):
        form, entries = _filtered(request)
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {"form": form, "page": page, "query": query.urlencode()}
        status = 400 if form.is_bound and not form.is_valid() else 200
        return render(request, self.template_name, context, status=status)


class AuditLogExportView(TenantManageView):
    def get(self, request):
        form, entries = _filtered(request)
        if form.is_bound and not form.is_valid():
            return render(request, AuditLogView.template_name, {"form": form}, status=400)
        response = StreamingHttpResponse(
            audit_csv(tenant=request.tenant, entries=entries), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response
