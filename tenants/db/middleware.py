"""Every request runs as the application role, and hands its connection back clean.

First in MIDDLEWARE, so that nothing of the request touches the database before: no tenant
is active and nothing crosses tenants until the tenant middleware (or an API key) says so.
A streamed response (CSV exports) is produced after the view returns; its chunks are made
in the request's tenant too.
"""

from tenants.db.session import entry_point
from tenants.tenancy.context import tenant_scope


class ApplicationRoleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with entry_point():
            response = self.get_response(request)
        if response.streaming and not response.is_async:
            response.streaming_content = _streamed(
                getattr(request, "tenant", None), response.streaming_content
            )
        return response


def _streamed(tenant, chunks):
    with entry_point():
        if tenant is None:
            yield from chunks
        else:
            with tenant_scope(tenant):
                yield from chunks
