"""The portfolio (/accounts/): every account with its health, trend, MRR, renewal, owner,
onboarding progress, last activity and NPS; sorted, filtered, searched and paginated with the
state in the address (htmx swaps the table and pushes the address; plain links and the form
work without script), the member's saved views, and the current view as CSV."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from accounts import selectors as account_selectors
from accounts.csv_io.export import csv_stream
from accounts.models import Account, LifecycleStage, SavedView
from accounts.models.saved_view import QUERY_MAX
from accounts.services.saved_views import saved_view_delete, saved_view_rename, saved_view_save
from csplatform.workplace.portfolio_forms import (
    RENEWAL_WINDOWS,
    PortfolioFilterForm,
    SavedViewForm,
    SavedViewRenameForm,
)
from csplatform.workplace.portfolio_selectors import portfolio_rows, row_display, score_sparks
from health.models.score import Band
from tenants.selectors import members_list
from tenants.tenancy.context import tenant_scope
from tenants.tenancy.views import TenantView

PAGE_SIZE = 50
TEMPLATE = "workplace/portfolio.html"
STATE_KEYS = ("q", "band", "segment", "owner", "stage", "renewal", "sort")
COLUMNS = [
    ("name", _("Account")),
    ("band", _("Health")),
    ("trend", _("7-day trend")),
    ("mrr", _("MRR")),
    ("renewal", _("Renewal")),
    ("owner", _("Owner")),
    ("onboarding", _("Onboarding")),
    ("activity", _("Last activity")),
    ("nps", _("NPS")),
]
CSV_FIELDS = (
    "external_id",
    "name",
    "segment",
    "lifecycle_stage",
    "owner__user__email",
    "health_band",
    "health_score",
    "health_trend",
    "current_mrr",
    "renewal_on",
    "onboarding_progress",
    "last_active_on",
    "nps",
)


def state_query(params: QueryDict, **changes) -> str:
    """The portfolio's state in `params` as a query string (page dropped unless given)."""
    state = QueryDict(mutable=True)
    for key in STATE_KEYS:
        values = [value for value in params.getlist(key) if "\x00" not in value]
        if values or key in params:
            state.setlist(key, values or [""])
    for key, value in changes.items():
        if value is None:
            state.pop(key, None)
        else:
            state[key] = value
    return state.urlencode()


def _sort_headers(params: QueryDict, sort: str) -> list[dict]:
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    headers = []
    for key, label in COLUMNS:
        active = key == current
        next_sort = key if not active or descending else f"-{key}"
        headers.append(
            {
                "key": key,
                "label": label,
                "query": state_query(params, sort=next_sort),
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
            }
        )
    return headers


class PortfolioView(TenantView):
    def get(self, request):
        owners = list(members_list())
        form = PortfolioFilterForm(request.GET, owners=owners, membership=request.membership)
        valid = form.is_valid()
        params = request.GET.copy()
        if "owner" not in params and request.membership.role == "csm":
            params["owner"] = "me"
        context = {
            "form": form,
            "owners": owners,
            "bands": Band.choices,
            "stages": LifecycleStage.choices,
            "renewal_windows": RENEWAL_WINDOWS,
            "segments": account_selectors.segments_in_use(),
            "saved_views": SavedView.objects.filter(membership=request.membership),
            "save_form": SavedViewForm(initial={"query": state_query(params)}),
            "selected_bands": request.GET.getlist("band"),
            "mine_query": state_query(params, owner="me", page=None),
            "all_query": state_query(params, owner="all", page=None),
            "default_owner": "me" if request.membership.role == "csm" else "all",
            "owner_value": params.get("owner") or "all",
            "today": request.tenant.today(),
        }
        if valid:
            rows = portfolio_rows(today=request.tenant.today(), filters=form.filters())
            page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
            page.object_list = list(page.object_list)
            score_sparks(page.object_list, today=request.tenant.today())
            row_display(page.object_list)
            context.update(
                page=page,
                headers=_sort_headers(params, form.cleaned_data["sort"]),
                sort=form.cleaned_data["sort"],
                mine=form.cleaned_data["owner"] == "me",
                everyone=form.cleaned_data["owner"] == "all",
                page_query=state_query(params, page=None),
                any_accounts=page.paginator.count > 0 or Account.objects.exists(),
            )
        else:
            context.update(any_accounts=True, headers=[], mine=False)
        status = 200 if valid else 400
        if request.htmx and not request.htmx.history_restore_request:
            # The table, and the save form whose hidden query follows the new state.
            html = render_to_string(TEMPLATE + "#results", context, request)
            html += render_to_string(TEMPLATE + "#save-view", {**context, "oob": True}, request)
            response = HttpResponse(html, status=status)
        else:
            response = render(request, TEMPLATE, context, status=status)
        # The same address answers a fragment or a page: caches (the back button's too) keep
        # them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response


class PortfolioExportView(TenantView):
    """The current view (filters, search and sort) as CSV, streamed."""

    def get(self, request):
        owners = list(members_list())
        form = PortfolioFilterForm(request.GET, owners=owners, membership=request.membership)
        if not form.is_valid():
            return render(
                request, "workplace/portfolio_export_error.html", {"form": form}, status=400
            )
        tenant = request.tenant
        today = tenant.today()
        rows = portfolio_rows(today=today, filters=form.filters()).values_list(*CSV_FIELDS)

        def lines():
            # The body is read after the request has ended: the tenant is set again here.
            # So are its time zone (the NPS of the last year counts its local days).
            with tenant_scope(tenant), timezone.override(zoneinfo.ZoneInfo(tenant.time_zone)):
                yield from csv_stream(CSV_FIELDS, rows.iterator(chunk_size=2000))

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        filename = f"{tenant.slug}-portfolio-{today.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class SavedViewCreateView(TenantView):
    def post(self, request):
        form = SavedViewForm(request.POST)
        if not form.is_valid():
            return render(request, "workplace/saved_view_error.html", {"form": form}, status=400)
        query = state_query(QueryDict(form.cleaned_data["query"]))
        if len(query) > QUERY_MAX:  # as stored: encoded, "é" takes six characters
            form.add_error("query", _("This view has too many filters to save."))
            return render(request, "workplace/saved_view_error.html", {"form": form}, status=400)
        saved_view_save(
            tenant=request.tenant,
            membership=request.membership,
            name=form.cleaned_data["name"],
            query=query,
        )
        return redirect(_portfolio_address(query))


class SavedViewChangeView(TenantView):
    """Rename (POST name) or delete (POST delete) one of the member's own views."""

    def post(self, request, pk):
        view = get_object_or_404(SavedView.objects, pk=pk, membership=request.membership)
        if "delete" in request.POST:
            saved_view_delete(tenant=request.tenant, view=view)
            return redirect("accounts")
        form = SavedViewRenameForm(request.POST)
        if form.is_valid():
            try:
                saved_view_rename(tenant=request.tenant, view=view, name=form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error(None, error)
        if form.errors:
            return render(request, "workplace/saved_view_error.html", {"form": form}, status=400)
        return redirect(_portfolio_address(view.query))


def _portfolio_address(query: str) -> str:
    return reverse("accounts") + (f"?{query}" if query else "")
