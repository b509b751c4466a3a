"""One account's page (the account list is the portfolio, csplatform/workplace)."""

from django.shortcuts import get_object_or_404, redirect, render

from accounts import selectors
from accounts.forms import NoteForm
from accounts.models import Account
from accounts.services.accounts import note_create
from tenants.tenancy.views import TenantView


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
