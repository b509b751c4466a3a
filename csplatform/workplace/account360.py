"""The account 360 page (/accounts/<pk>/): everything support and success know about one
customer on one page, and its timeline's next pages (htmx "Load more").

The page renders its own sections (header, health, usage, subscriptions, contacts, timeline)
with a fixed number of queries; the onboarding, tasks and playbooks panels are those of their
apps, loaded by htmx, so that their actions (completing a task in place) work unchanged.
"""

from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.forms import NoteForm
from accounts.models import Account
from accounts.services.accounts import note_create
from csplatform.workplace import account360_charts as charts
from csplatform.workplace import account360_selectors as selectors
from csplatform.workplace.timeline import KINDS, BadCursor, Cursor, timeline_page
from health.views.account_health import health_panel_context
from tenants.tenancy.views import TenantView


class TimelineQueryError(ValueError):
    """A filter or cursor in the URL that the page did not write."""


def _timeline_query(request) -> tuple[list[str], Cursor | None]:
    kinds = request.GET.getlist("kind")
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise TimelineQueryError(_("Unknown kind of timeline entry."))
    text = request.GET.get("cursor", "")
    try:
        cursor = Cursor.decode(text) if text else None
    except BadCursor:
        message = _("This “Load more” link is not valid; reload the page.")
        raise TimelineQueryError(message) from None
    return sorted(set(kinds), key=list(KINDS).index), cursor


def _chips(kinds: list[str]) -> list[dict]:
    """The filter chips: each toggles its kind in the URL (no kind: everything)."""
    chips = []
    for kind, label in KINDS.items():
        on = kind in kinds
        toggled = [k for k in kinds if k != kind] if on else [*kinds, kind]
        query = urlencode([("kind", k) for k in KINDS if k in toggled])
        chips.append({"kind": kind, "label": label, "on": on, "query": query})
    return chips


def _timeline_context(request, account, kinds, cursor) -> dict:
    tenant = request.tenant
    page = timeline_page(
        account, tz=ZoneInfo(tenant.time_zone), today=tenant.today(), kinds=kinds, cursor=cursor
    )
    more = None
    if page.next_cursor is not None:
        more = urlencode([*(("kind", k) for k in kinds), ("cursor", page.next_cursor.encode())])
    return {"account": account, "timeline": page.entries, "more_query": more, "kinds": kinds}


class Account360View(TenantView):
    """GET: the page. POST (CSMs and up): add a note, then back to the page."""

    template_name = "workplace/account_360.html"

    def get(self, request, pk, form=None, status=200):
        account = get_object_or_404(Account.objects.select_related("owner__user", "parent"), pk=pk)
        try:
            kinds, _cursor = _timeline_query(request)
            query_error = ""
        except TimelineQueryError as error:
            kinds, query_error, status = [], str(error), 400
        today = request.tenant.today()
        terms = account_selectors.account_terms(account, today=today)
        health = health_panel_context(request.tenant, account)
        # Rollups cover days that are over: the usage ends yesterday.
        usage = selectors.account_usage(account, last=today - timedelta(days=1))
        context = {
            **health,
            "account": account,
            "today": today,
            "header": selectors.account_header(terms, today=today),
            "subscriptions": terms,
            "contacts": selectors.account_contacts(account),
            "children": account_selectors.account_children(account),
            "usage": usage,
            "health_trend": charts.health_trend(health["latest"], health.get("history", ())),
            "active_users_chart": charts.active_users(usage),
            "adoption_chart": charts.adoption(usage),
            "form": form or NoteForm(),
            "chips": _chips(kinds),
            "kinds_query": urlencode([("kind", kind) for kind in kinds]),
            "query_error": query_error,
            **_timeline_context(request, account, kinds, None),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        form = NoteForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=400)
        note_create(
            tenant=request.tenant,
            account=account,
            body=form.cleaned_data["body"],
            author=request.membership,
        )
        return redirect("account", pk=account.pk)


class AccountTimelineView(TenantView):
    """The timeline's entries after a cursor, for "Load more" (htmx) or as a page of its own."""

    template_name = "workplace/account_timeline.html"

    def get(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        try:
            kinds, cursor = _timeline_query(request)
        except TimelineQueryError as error:
            context = {"account": account, "query_error": str(error)}
            # For htmx, the message takes the place of the "Load more" item it came from.
            template = self.template_name + ("#error-item" if request.htmx else "")
            response = render(request, template, context, status=400)
            patch_vary_headers(response, ["HX-Request"])
            return response
        context = {
            **_timeline_context(request, account, kinds, cursor),
            "chips": _chips(kinds),
        }
        template = self.template_name + ("#entries" if request.htmx else "")
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response
