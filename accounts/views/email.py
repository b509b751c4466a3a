"""The public unsubscribe page behind the link in every customer email.

Anonymous and guarded by the signed token alone: a forged or altered token answers 404
saying nothing more. GET only shows a confirm button, because mail scanners open links;
POST unsubscribes, from the button or from a mail client's RFC 8058 one-click request
(which carries no CSRF token: the signed token is the secret).
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from accounts.services.customer_email import contact_for_unsubscribe_token, contact_unsubscribe
from tenants.public_rate import public_rate_limited


@method_decorator([csrf_exempt, public_rate_limited], name="dispatch")
class EmailUnsubscribeView(View):
    template_name = "accounts/email_unsubscribe.html"

    def dispatch(self, request, token):
        self.contact = contact_for_unsubscribe_token(token)
        if self.contact is None:
            raise Http404
        # The page speaks the contact's language, as the emails do.
        with translation.override(self.contact.language or "en"):
            return super().dispatch(request, token)

    def get(self, request, token):
        return self._page(request, done=self.contact.email_unsubscribed_at is not None)

    def post(self, request, token):
        contact_unsubscribe(tenant=self.contact.tenant, contact=self.contact)
        return self._page(request, done=True)

    def _page(self, request, *, done: bool):
        context = {"company": self.contact.tenant.name, "done": done}
        return render(request, self.template_name, context)
