"""Webhook pages (owners and admins): the endpoints with a form to add one, and each
endpoint's page: its settings, its secret revealed on demand, rotate, switch on or off, send
a test, delete, and its delivery log with a resend per delivery."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from tenants import selectors
from tenants.models import WebhookDelivery, WebhookEndpoint
from tenants.services.webhooks import (
    secrets_in_use,
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_set_enabled,
    webhook_endpoint_test,
    webhook_endpoint_update,
)
from tenants.tenancy.views import TenantManageView
from tenants.webhooks.events import EVENT_TYPES
from tenants.webhooks.forms import WebhookEndpointForm

PAGE_SIZE = 25


class WebhookListView(TenantManageView):
    template_name = "tenants/webhooks.html"

    def get(self, request, form=None, status=200):
        context = {
            "endpoints": selectors.webhook_endpoints(),
            "form": form or WebhookEndpointForm(),
            "event_labels": EVENT_TYPES,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                endpoint = webhook_endpoint_create(tenant=request.tenant, **form.cleaned_data)
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(
                    request, _("Endpoint added. Reveal its secret to verify the signatures.")
                )
                return redirect("webhook", pk=endpoint.pk)
        return self.get(request, form=form, status=400)


def _endpoint(pk) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects, pk=pk)


class WebhookDetailView(TenantManageView):
    template_name = "tenants/webhook_detail.html"

    def get(self, request, pk, form=None, status=200):
        endpoint = _endpoint(pk)
        if request.GET.get("reveal") and request.htmx:
            response = render(
                request, f"{self.template_name}#secret", self._secret_context(endpoint, True)
            )
            patch_vary_headers(response, ["HX-Request"])
            return response
        deliveries = selectors.webhook_deliveries().filter(endpoint=endpoint)
        page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
        initial = {
            "url": endpoint.url,
            "description": endpoint.description,
            "event_types": endpoint.event_types,
            "format": endpoint.format,
        }
        context = {
            **self._secret_context(endpoint, bool(request.GET.get("reveal"))),
            "form": form or WebhookEndpointForm(initial=initial),
            "page": page,
            "event_labels": EVENT_TYPES,
        }
        response = render(request, self.template_name, context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def _secret_context(self, endpoint, reveal: bool) -> dict:
        return {
            "endpoint": endpoint,
            "reveal": reveal,
            "secrets": secrets_in_use(endpoint) if reveal else [],
        }

    def post(self, request, pk):
        endpoint = _endpoint(pk)
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                webhook_endpoint_update(
                    tenant=request.tenant, endpoint=endpoint, **form.cleaned_data
                )
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, _("Endpoint saved."))
                return redirect("webhook", pk=endpoint.pk)
        return self.get(request, pk, form=form, status=400)


class WebhookRotateView(TenantManageView):
    def post(self, request, pk):
        webhook_endpoint_rotate_secret(tenant=request.tenant, endpoint=_endpoint(pk))
        messages.success(
            request,
            _("New secret made. For 24 hours messages carry signatures by both secrets."),
        )
        return redirect(reverse("webhook", args=[pk]) + "?reveal=1#secret")


class WebhookToggleView(TenantManageView):
    def post(self, request, pk):
        enabled = request.POST.get("enabled") == "1"
        webhook_endpoint_set_enabled(tenant=request.tenant, endpoint=_endpoint(pk), enabled=enabled)
        messages.success(request, _("Endpoint enabled.") if enabled else _("Endpoint disabled."))
        return redirect("webhook", pk=pk)


class WebhookTestView(TenantManageView):
    def post(self, request, pk):
        try:
            webhook_endpoint_test(tenant=request.tenant, endpoint=_endpoint(pk))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Test message queued; it appears in the log below."))
        return redirect("webhook", pk=pk)


class WebhookDeleteView(TenantManageView):
    def post(self, request, pk):
        endpoint = _endpoint(pk)
        webhook_endpoint_delete(tenant=request.tenant, endpoint=endpoint)
        messages.success(request, _("Endpoint %(url)s deleted.") % {"url": endpoint.url})
        return redirect("webhooks")


class WebhookDeliveryResendView(TenantManageView):
    def post(self, request, pk):
        delivery = get_object_or_404(WebhookDelivery.objects, pk=pk)
        try:
            webhook_delivery_resend(tenant=request.tenant, delivery=delivery)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Delivery queued to be sent again."))
        return redirect("webhook", pk=delivery.endpoint_id)
