"""Account pages: the account list (search, filters) and one account's page."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from accounts import selectors
from accounts.forms import NoteForm
from accounts.models import Account
from accounts.services.accounts import note_create
from tenants.selectors import members_list
from tenants.tenancy.views import TenantView

PAGE_SIZE = 50


def _param(request, name: str) -> str:
    # NUL cannot reach PostgreSQL text; a hand-edited URL gets "no match", not an error.
    return request.GET.get(name, "").replace("\x00", "").strip()[:200]


class AccountListView(TenantView):
    template_name = "accounts/account_list.html"

    def get(self, request):
        owner_id = _param(request, "owner")
        accounts = selectors.accounts_overview(
            on_date=request.tenant.today(),
            search=_param(request, "q"),
            segment=_param(request, "segment"),
            owner_id=int(owner_id) if owner_id.isascii() and owner_id.isdecimal() else None,
        )
        page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "segments": selectors.segments_in_use(),
            "owners": members_list(),
            "filters": request.GET,
            "any_accounts": page.paginator.count > 0 or Account.objects.exists(),
        }
        template = self.template_name + ("#results" if request.htmx else "")
        return render(request, template, context)


class AccountDetailView(TenantView):
    template_name = "accounts/account_detail.html"

    def get(self, request, pk, form=None, status=200):
        account = get_object_or_404(Account.objects.select_related("owner__user", "parent"), pk=pk)
        context = {
            "account": account,
            "children": selectors.account_children(account),
            "today": request.tenant.today(),
            "subscriptions": selectors.account_terms(account, today=request.tenant.today()),
            "contacts": selectors.contacts_list().filter(account=account).order_by("name", "id"),
            "notes": selectors.notes_list().filter(account=account),
            "form": form or NoteForm(),
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
