"""A migration operation for what a model's fields say, never what they store.

Labels, help texts and choices are part of a field's definition, so Django records their
changes as one AlterField per field, and each re-renders the model (and, for relations, the
models around it) when migrations run. Relabelling every field of the product cost minutes
on each new database; one operation per model renders it once. The database is never
touched: none of these attributes reaches a column.
"""

from django.db.migrations.operations.base import Operation
from django.db.migrations.utils import field_is_referenced


class RelabelFields(Operation):
    """Replace the named fields of one model in the migration state: the new definitions
    differ from the old only in verbose_name, help_text or choices."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name, fields):
        self.model_name = model_name
        self.fields = fields

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "fields": self.fields},
        )

    def state_forwards(self, app_label, state):
        model_key = app_label, self.model_name.lower()
        fields = state.models[model_key].fields
        # As ProjectState.alter_field does per field: the relation registry follows.
        delay = True
        for name, field in self.fields:
            if state._relations is not None:
                old_field = fields.pop(name)
                if old_field.is_relation:
                    state.resolve_model_field_relations(model_key, name, old_field)
                fields[name] = field
                if field.is_relation:
                    state.resolve_model_field_relations(model_key, name, field)
            else:
                fields[name] = field
            if field.is_relation or field_is_referenced(state, model_key, (name, field)):
                delay = False
        state.reload_model(*model_key, delay=delay)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        pass  # labels only: no column changes

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Relabel {len(self.fields)} field(s) of {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"relabel_{self.model_name.lower()}"
