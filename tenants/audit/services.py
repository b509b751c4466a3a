"""Writing an audit entry by hand, for changes made by a set-based UPDATE (which sends no
model signals) or deliberately without the row's details (a contact's erasure)."""

from tenants.models import AuditEntry

CREATE, UPDATE, DELETE = (
    AuditEntry.Action.CREATE,
    AuditEntry.Action.UPDATE,
    AuditEntry.Action.DELETE,
)


def audit_record(*, instance, action: int, changes: dict | None = None, **fields) -> AuditEntry:
    """One entry about `instance` in its tenant; the actor is the request's, as for the
    entries django-auditlog writes itself."""
    return AuditEntry.objects.log_create(
        instance, action=action, changes=changes, force_log=True, **fields
    )
