"""The account list (search, filters); one account's page is the account 360
(csplatform/workplace/account360.py)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts import selectors
from accounts.models import Account
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
