"""TenantViewSet: the one base of every API viewset that touches tenant data.

The tenant comes from the API key (Bearer) or the signed-in user's membership, never from
anything the client names. Querysets come from the model's scoped manager, new rows get the
request's tenant, and the active tenant is reset when the request ends.
"""

from contextlib import ExitStack

from django.core.exceptions import ImproperlyConfigured
from rest_framework import mixins, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

from tenants.audit.context import acting_api_key
from tenants.tenancy import context
from tenants.tenancy.models import TenantModel, is_tenant_scoped
from tenants.tenancy.permissions import IsTenantMember


class TenantViewSet(viewsets.GenericViewSet):
    permission_classes = [IsTenantMember]
    model: type[TenantModel] | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None and not issubclass(cls.model, TenantModel):
            raise TypeError(f"{cls.__name__}.model must be a TenantModel, got {cls.model!r}.")
        if cls.__dict__.get("queryset") is not None:
            # A class-level queryset would be built once, outside any request's tenant.
            raise TypeError(f"{cls.__name__} must set `model` (or get_queryset), not `queryset`.")

    def dispatch(self, request, *args, **kwargs):
        self._tenant_token = None
        self._audit_actor = ExitStack()
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            self._audit_actor.close()
            if self._tenant_token is not None:
                context.deactivate(self._tenant_token)

    def initial(self, request, *args, **kwargs):
        try:
            self.perform_authentication(request)
        except AuthenticationFailed:
            self.check_throttles(request)  # a wrong key is throttled by its address
            raise
        api_key = getattr(request.user, "api_key", None)
        if api_key is not None:
            # A key acts in its own tenant only, whatever session cookie came along.
            request.tenant = api_key.tenant
            request.membership = None
            self._audit_actor.enter_context(acting_api_key(api_key))
        elif isinstance(request.successful_authenticator, SessionAuthentication):
            # The browser session's tenant, only when DRF authenticated the session itself:
            # SessionAuthentication is what enforces CSRF on unsafe methods.
            django_request = request._request
            request.tenant = getattr(django_request, "tenant", None)
            request.membership = getattr(django_request, "membership", None)
        else:
            request.tenant = None
            request.membership = None
        if request.tenant is not None:
            self._tenant_token = context.activate(request.tenant)
        # Before the permissions, which turn away a request without a key: it is throttled
        # by its address all the same.
        self.check_throttles(request)
        self._throttles_checked = True
        super().initial(request, *args, **kwargs)

    def check_throttles(self, request):
        if not getattr(self, "_throttles_checked", False):
            super().check_throttles(request)

    def get_queryset(self):
        if self.model is None:
            raise NotImplementedError(f"{type(self).__name__} must set `model`.")
        return self.model.objects.all()

    def scoped_queryset(self):
        """get_queryset(), refused unless its rows come from the tenant manager, limited to
        one tenant: every list, lookup and upsert reads through here."""
        return self._checked(self.get_queryset())

    def filter_queryset(self, queryset):
        return super().filter_queryset(self._checked(queryset))

    def _checked(self, queryset):
        if not is_tenant_scoped(queryset):
            raise ImproperlyConfigured(
                f"{type(self).__name__}.get_queryset() must return rows of the tenant "
                "manager (Model.objects...), not an unscoped or foreign queryset."
            )
        return queryset

    def perform_create(self, serializer):
        serializer.save(tenant=self.request.tenant)


class TenantModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """List, retrieve, create, update and delete, all inside the request's tenant."""

    perform_create = TenantViewSet.perform_create  # the mixin's would come first otherwise


class TenantReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """List and retrieve inside the request's tenant."""
