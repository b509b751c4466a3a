"""Which models the audit log follows. Each app registers its own models in its ready().

Adding a model is one line: `audit_register(Model)` for every change, or
`audit_register(Model, deletions_only=True)` for rows whose edits are routine (accounts,
contacts) but whose disappearance must be traceable.
"""

from auditlog.registry import AuditlogModelRegistry, auditlog

# A second registry of the library's own kind that listens to deletions only.
_deletions = AuditlogModelRegistry(create=False, update=False, delete=True, access=False, m2m=False)


# How entries name a row of a model whose str() holds personal data (a contact's name).
_describers = {}
# The translated name of each kind of record, shown on the audit page.
_labels = {}


def audit_register(
    model, *, label=None, deletions_only: bool = False, describe=None, **options
) -> None:
    """Record changes of `model` (options as django-auditlog's register, e.g. exclude_fields;
    `label` names the kind of record on the audit page; `describe(row)` names the row in
    entries instead of str(row))."""
    _labels[model] = label or model._meta.verbose_name
    if deletions_only:
        _deletions.register(model, **options)
        # The library's diff reads field options from its default registry only (pinned
        # version, tested): share them there without connecting its save handlers.
        auditlog._registry[model] = _deletions._registry[model]
    else:
        auditlog.register(model, **options)
    if describe is not None:
        _describers[model] = describe


def audit_describe(instance) -> str | None:
    describe = _describers.get(type(instance))
    return None if describe is None else describe(instance)


def audit_label(model) -> str:
    return str(_labels.get(model) or (model._meta.verbose_name if model else ""))


def audited_models() -> list:
    """Every audited model, for the audit log's filter."""
    return sorted(auditlog.get_models(), key=audit_label)
