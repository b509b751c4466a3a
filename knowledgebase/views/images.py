"""The public address of an article image: /help/<tenant>/media/<id>/<stored name>. Anyone
may load it (articles are public), but only from its own tenant's address and only by its
stored name, which is random: the image of a draft cannot be found by counting ids. The
stored content type is served with nosniff, and the bytes never change, so browsers may keep
them for a year."""

from django.http import FileResponse, Http404
from django.views import View

from knowledgebase.models import ArticleImage
from knowledgebase.models.media import image_path
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

YEAR = 365 * 24 * 60 * 60


class HelpImageView(View):
    http_method_names = ["get", "head"]

    def get(self, request, tenant_slug: str, pk: int, name: str):
        tenant = Tenant.objects.filter(slug=tenant_slug).first()
        if tenant is None:
            raise Http404
        with tenant_scope(tenant):
            image = ArticleImage.objects.filter(pk=pk, file=image_path(tenant, name)).first()
        if image is None:
            raise Http404
        try:
            handle = image.file.open("rb")
        except OSError:
            raise Http404 from None
        response = FileResponse(handle, content_type=image.content_type)
        response["Content-Length"] = image.size
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        # Opened directly, the image may run nothing and load nothing.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
