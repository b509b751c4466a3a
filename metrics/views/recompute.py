"""Recomputing past days on demand: the form (owners and admins) and the job's progress.

The service validates the range and queues the job; the job page polls its status part
every second while the job runs and stops once it is done or failed.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers

from metrics import selectors
from metrics.forms import RecomputeForm
from metrics.services.recompute import recompute_job_create
from metrics.views.dashboard import recompute_initial
from tenants.tenancy.views import TenantManageView, TenantView


class RecomputeView(TenantManageView):
    template_name = "metrics/recompute.html"

    def get(self, request, form=None, status=200):
        context = {
            "form": form or RecomputeForm(initial=recompute_initial(request.tenant)),
            "jobs": selectors.recompute_jobs_recent(limit=10),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        form = RecomputeForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        try:
            job = recompute_job_create(
                tenant=request.tenant,
                since=form.cleaned_data["since"],
                until=form.cleaned_data["until"],
                requested_by=request.membership,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.get(request, form=form, status=400)
        return redirect("metrics-recompute-job", pk=job.pk)


class RecomputeJobView(TenantView):
    """Every member may watch a recompute; an htmx poll gets only the status part."""

    template_name = "metrics/recompute_job.html"

    def get(self, request, pk):
        job = get_object_or_404(selectors.recompute_job_detail(), pk=pk)
        template = self.template_name + ("#status" if request.htmx else "")
        response = render(request, template, {"job": job})
        patch_vary_headers(response, ["HX-Request"])
        return response
