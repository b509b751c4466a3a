"""The customer portal behind a contact's personal link: the account's onboarding checklist.
Anonymous and guarded by the signed token alone; a bad link answers 404."""

from django.http import Http404
from django.utils.decorators import method_decorator
from django.views import View

from onboarding.services.portal_links import link_for_token
from tenants.public_rate import public_rate_limited


@method_decorator(public_rate_limited, name="dispatch")
class PortalView(View):
    def dispatch(self, request, token, **kwargs):
        self.link = link_for_token(token)
        if self.link is None:
            raise Http404
        return super().dispatch(request, token, **kwargs)
