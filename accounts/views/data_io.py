"""Data pages: CSV upload, an import job's preview and progress, applying it, CSV export.

Members who can write (CSMs and above) import; every member may view jobs and export.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accounts.csv_io import progress
from accounts.csv_io.export import export_csv, export_filename
from accounts.csv_io.formats import FORMATS, MAX_FILE_LABEL
from accounts.csv_io.jobs import import_job_create, import_job_request_apply
from accounts.csv_io.selectors import import_job_detail, import_jobs_recent
from accounts.forms import ImportUploadForm
from tenants.tenancy.views import TenantView


class DataImportView(TenantView):
    template_name = "accounts/data_import.html"

    def get(self, request, form=None, status=200):
        context = {
            "form": form or ImportUploadForm(),
            "jobs": import_jobs_recent(),
            "formats": FORMATS.values(),
            "max_size": MAX_FILE_LABEL,
            "can_import": request.membership.can_write,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        job = import_job_create(
            tenant=request.tenant,
            created_by=request.membership,
            kind=form.cleaned_data["kind"],
            filename=form.cleaned_data["filename"],
            content=form.cleaned_data["content"],
        )
        return redirect("data-import-job", pk=job.pk)


class ImportJobView(TenantView):
    """The job page; an htmx request gets only its status part, which it polls while the job
    runs, and a full reload (HX-Refresh) once the job is done."""

    template_name = "accounts/data_import_job.html"

    def get(self, request, pk):
        job = get_object_or_404(import_job_detail(), pk=pk)
        context = {
            "job": job,
            "fmt": FORMATS[job.kind],
            "progress": progress.read(job) if job.is_running else None,
            "can_import": request.membership.can_write,
        }
        template = self.template_name + ("#status" if request.htmx else "")
        response = render(request, template, context)
        if request.htmx and not job.is_running:
            response["HX-Refresh"] = "true"
        patch_vary_headers(response, ["HX-Request"])
        return response


class ImportJobApplyView(TenantView):
    def post(self, request, pk):
        job = get_object_or_404(import_job_detail(), pk=pk)
        if import_job_request_apply(tenant=request.tenant, job=job):
            messages.success(request, _("Applying %(name)s…") % {"name": job.original_filename})
        elif job.status == job.Status.INVALID:
            messages.error(request, _("This file has errors: fix them and upload it again."))
        else:
            messages.error(
                request,
                _("This import cannot be applied: it is %(status)s.")
                % {"status": job.get_status_display().lower()},
            )
        return redirect("data-import-job", pk=job.pk)


class DataExportView(TenantView):
    def get(self, request, kind):
        if kind not in FORMATS:
            raise Http404("No such export.")
        tenant = request.tenant
        today = timezone.localdate(timezone=ZoneInfo(tenant.time_zone))
        filename = export_filename(tenant=tenant, kind=kind, day=today)
        response = StreamingHttpResponse(
            export_csv(tenant=tenant, kind=kind), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
