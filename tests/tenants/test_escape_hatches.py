"""Every place that leaves the tenant manager (unscoped(), raw SQL, COPY) or row-level
security (cross_tenant(), database_owner()) is listed here with its reason; a new one fails
this test until it is reviewed and listed."""

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["tenants", "accounts", "health", "onboarding", "knowledgebase", "metrics", "csplatform"]
# Calls that bypass the tenant manager, by the name of the method called.
HATCHES = {
    "unscoped": "unscoped",
    "cursor": "raw SQL",
    "execute": "raw SQL",
    "executemany": "raw SQL",
    "raw": "raw SQL",
    "copy_expert": "raw SQL",
    "copy_from": "raw SQL",
    "RawSQL": "raw SQL",
    # Row-level security lets the block see every tenant's rows (tenants/db/session.py).
    "cross_tenant": "cross-tenant",
    "database_owner": "cross-tenant",
}

# (file, function, kind): (calls, why it is safe)
LISTED = {
    ("accounts/csv_io/staging.py", "_ancestors_find", "raw SQL"): (
        1, "accounts above the file's, WHERE tenant_id = the job's tenant"),
    ("accounts/csv_io/staging.py", "ids_reserve", "raw SQL"): (
        1, "reserves sequence values for the rows a file creates; reads no rows"),
    ("accounts/csv_io/staging.py", "records_find", "raw SQL"): (
        3, "rows and accounts a file names, WHERE tenant_id = the job's tenant"),
    ("accounts/csv_io/staging.py", "rows_stage", "raw SQL"): (
        5, "COPY of one file's checked rows into a temporary table of the transaction"),
    ("accounts/csv_io/writes.py", "changes_report", "raw SQL"): (
        4, "ids the import wrote (its temporary table), inside a for_tenant queryset"),
    ("accounts/csv_io/writes.py", "raced_line", "raw SQL"): (
        2, "the file's new rows found created meanwhile, WHERE tenant_id = the job's tenant"),
    ("accounts/csv_io/writes.py", "rows_write", "raw SQL"): (
        3, "the import's INSERT and UPDATE: every row stamped and joined with the job's tenant"),
    ("accounts/csv_io/writes.py", "written_prepare", "raw SQL"): (
        3, "a temporary table of the ids the import wrote; reads no rows"),
    ("accounts/csv_io/writes.py", "written_summary", "raw SQL"): (
        2, "counts the import's temporary table of written ids"),
    ("csplatform/demo/seed/copy.py", "ids_reserve", "raw SQL"): (
        1, "reserves sequence values; reads no rows"),
    ("csplatform/demo/seed/service.py", "demo_seed", "raw SQL"): (
        3, "switches constraint timing around the seeded tenant's COPYs"),
    ("csplatform/views.py", "healthz", "raw SQL"): (2, "SELECT 1 for the health check"),
    ("tenants/api/throttling.py", "_counts", "raw SQL"): (
        1, "not SQL: a Redis MULTI/EXEC of the API throttle's counts; no tenant data"),
    ("tenants/observability/queues.py", "queue_depths", "raw SQL"): (
        1, "not SQL: a Redis pipeline of LLENs, the Celery queues' depths; no tenant data"),
    ("metrics/engine/connections.py", "_cancel", "raw SQL"): (
        2, "cancels the engine's own statements on its other connections"),
    ("metrics/engine/inputs.py", "_frame", "raw SQL"): (
        2, "COPY of a query given the tenant's id by its caller"),
    ("metrics/engine/connections.py", "_cancel", "cross-tenant"): (
        1, "as the owner: only it may cancel the engine's own statements; reads no rows"),
    ("metrics/engine/rollups.py", "_settings", "raw SQL"): (3, "SET LOCAL memory settings"),
    ("metrics/engine/rollups.py", "chunks_balanced", "raw SQL"): (
        3, "samples the events WHERE tenant_id = the run's tenant"),
    ("metrics/engine/rollups.py", "days_received_since", "raw SQL"): (
        2, "the run's tenant's late events (WHERE tenant_id)"),
    ("metrics/engine/rollups.py", "event_firsts_update", "raw SQL"): (
        2, "first days of the run's tenant's accounts (WHERE tenant_id)"),
    ("metrics/engine/rollups.py", "rollups_analyze", "raw SQL"): (2, "ANALYZE; reads no rows"),
    ("metrics/engine/rollups.py", "rollups_analyze", "cross-tenant"): (
        1, "ANALYZE is the table owner's; reads no rows"),
    ("metrics/engine/rollups.py", "rollups_build", "raw SQL"): (
        3, "the rollup statement, every table filtered by the run's tenant"),
    ("metrics/engine/run.py", "tenant_lock", "raw SQL"): (
        4, "advisory lock keyed by the tenant's id"),
    ("metrics/engine/store.py", "figures_replace", "raw SQL"): (
        2, "deletes the run's tenant's figures (WHERE tenant_id) before copy_in"),
    ("metrics/services/event_storage.py", "event_partitions", "raw SQL"): (
        2, "lists the events table's partitions from the catalogue (pg_inherits); no rows"),
    ("metrics/services/event_storage.py", "event_partitions_ensure", "raw SQL"): (
        11, "creates monthly partitions (DDL, under a lock timeout); moves rows of a month out of "
        "the default one"),
    ("metrics/services/event_storage.py", "event_partitions_ensure", "cross-tenant"): (
        1, "creating partitions is the table owner's; moves rows as they are, every tenant's"),
    ("metrics/services/event_storage.py", "event_partitions_detach", "raw SQL"): (
        7, "detaches whole old months (DDL, under a lock timeout) and closes them to the "
        "application role"),
    ("metrics/services/event_storage.py", "event_partitions_detach", "cross-tenant"): (
        1, "detaching partitions is the table owner's; reads no rows"),
    ("metrics/services/event_storage.py", "receipts_expire", "unscoped"): (
        1, "deletes receipts past the retention window, the same for every tenant"),
    ("metrics/services/event_storage.py", "receipts_expire", "cross-tenant"): (
        1, "deletes receipts past the retention window, the same for every tenant"),
    ("metrics/ingestion/events.py", "_store", "raw SQL"): (
        2, "one INSERT per batch, every row with the request's tenant"),
    ("health/services/score_history.py", "_copy_scores", "raw SQL"): (
        6, "COPY into a temporary table, then INSERT under the active tenant's policy"),
    ("health/tasks.py", "scores_all", "unscoped"): (
        3, "the scoring fan-out compares every tenant's bookmark with its latest score"),
    ("health/tasks.py", "scores_all", "cross-tenant"): (
        1, "the scoring fan-out compares every tenant's bookmark with its latest score"),
    ("knowledgebase/admin/articles.py", "ArticleAdmin.get_queryset", "unscoped"): (
        1, "prefetches the translations of the listed articles, whose ids the scoped list gave"),
    ("knowledgebase/tasks.py", "articles_publish_due_all", "unscoped"): (
        1, "the publishing fan-out finds the tenants with scheduled articles due (ids only)"),
    ("knowledgebase/tasks.py", "articles_publish_due_all", "cross-tenant"): (
        1, "the publishing fan-out finds the tenants with scheduled articles due (ids only)"),
    ("metrics/tasks.py", "nightly_all", "unscoped"): (
        1, "the nightly fan-out reads every tenant's bookmark to queue its run"),
    ("metrics/tasks.py", "nightly_all", "cross-tenant"): (
        1, "the nightly fan-out reads every tenant's bookmark to queue its run"),
    ("tenants/api/authentication.py", "authenticate_key", "unscoped"): (
        1, "the key decides the tenant, so it is looked up before one is active"),
    ("tenants/api/authentication.py", "authenticate_key", "cross-tenant"): (
        1, "the key decides the tenant, so it is looked up before one is active"),
    ("tenants/cli.py", "OwnerCommand.execute", "cross-tenant"): (
        1, "migrate, flush and makemigrations act as the owner of the tables"),
    ("tenants/db/backend/base.py", "DatabaseWrapper._nodb_cursor", "cross-tenant"): (
        1, "creating and dropping test databases is the owner's work"),
    ("tenants/db/backend/base.py", "_InLine.copy_expert", "raw SQL"): (
        1, "the backend's COPY, after bringing the session in line with the active tenant"),
    ("tenants/db/backend/base.py", "_InLine.copy_from", "raw SQL"): (
        1, "the backend's COPY, after bringing the session in line with the active tenant"),
    ("tenants/db/backend/base.py", "DatabaseWrapper._session_set", "raw SQL"): (
        2, "sets the role and the tenant of the session; reads no rows"),
    ("tenants/db/copy.py", "copy_in", "raw SQL"): (
        5, "COPY into a temporary table, then INSERT under the active tenant's policy"),
    ("tenants/db/rls.py", "rls_ensure", "raw SQL"): (
        18, "creates the role, its grants (none on partitions) and the policies; no tenant rows"),
    ("tenants/db/rls.py", "tables_without_policy", "raw SQL"): (
        2, "reads the catalogue (pg_class, pg_policies), no tenant rows"),
    ("tenants/services/invitations.py", "invitation_for_token", "unscoped"): (
        1, "an anonymous invitee's token decides the tenant"),
    ("tenants/services/invitations.py", "invitation_for_token", "cross-tenant"): (
        1, "an anonymous invitee's token decides the tenant"),
    ("accounts/services/customer_email.py", "contact_for_unsubscribe_token", "unscoped"): (
        1, "an anonymous contact's signed unsubscribe token names the tenant"),
    ("accounts/services/customer_email.py", "contact_for_unsubscribe_token", "cross-tenant"): (
        1, "an anonymous contact's signed unsubscribe token names the tenant"),
    ("accounts/services/surveys.py", "survey_send_batch", "raw SQL"): (
        2, "a per-tenant advisory lock so survey batches take turns under the throttle"),
    ("accounts/services/survey_links.py", "invite_for_token", "unscoped"): (
        1, "an anonymous contact's signed survey link names the tenant"),
    ("accounts/services/survey_links.py", "invite_for_token", "cross-tenant"): (
        1, "an anonymous contact's signed survey link names the tenant"),
    ("onboarding/services/portal_links.py", "link_for_token", "unscoped"): (
        1, "an anonymous contact's signed portal link names the tenant"),
    ("onboarding/services/portal_links.py", "link_for_token", "cross-tenant"): (
        1, "an anonymous contact's signed portal link names the tenant"),
    ("knowledgebase/services/readers.py", "article_view_count", "raw SQL"): (
        2, "one INSERT ... ON CONFLICT of the active tenant's view count (tenant_id given)"),
    ("metrics/services/onboarding_events.py", "_reached", "raw SQL"): (
        2, "counts each step's events up to the number it needs, in the active tenant"),
    ("onboarding/services/embed.py", "embed_token_read", "unscoped"): (
        1, "an in-app checklist token's public key names the tenant; its HMAC proves it"),
    ("onboarding/services/embed.py", "embed_token_read", "cross-tenant"): (
        1, "an in-app checklist token's public key names the tenant; its HMAC proves it"),
    ("knowledgebase/services/articles.py", "search_vectors_update", "raw SQL"): (
        2, "builds the active tenant's search vectors with to_tsvector per language"),
    ("knowledgebase/search/query.py", "_has_trigram", "raw SQL"): (
        2, "reads the catalogue (pg_extension), no tenant rows"),
    ("knowledgebase/search/query.py", "_ranked", "raw SQL"): (
        1, "full-text search, WHERE tenant_id = the tenant's on every table it reads"),
    ("knowledgebase/search/query.py", "_near_misses", "raw SQL"): (
        2, "trigram search, WHERE tenant_id = the tenant's on every table it reads"),
    ("knowledgebase/search/query.py", "_owner_cursor", "raw SQL"): (
        1, "the cursor of the two search statements above"),
    ("knowledgebase/search/query.py", "_owner_cursor", "cross-tenant"): (
        1, "as the owner: the search indexes are unusable under row-level security "
           "(non-leakproof operators); both statements name the tenant on every table"),
    ("tenants/tenancy/admin.py", "TenantAdmin.formfield_for_foreignkey", "unscoped"): (
        1, "superusers choose among all tenants' rows; staff get their tenant's"),
    ("tenants/tenancy/admin.py", "TenantAdmin.get_queryset", "unscoped"): (
        1, "superusers see all tenants; staff are filtered to their own"),
    ("tenants/tenancy/models.py", "_update_from_arrays", "raw SQL"): (
        2, "bulk_update's UPDATE, limited to its queryset's ids (the tenant scope's)"),
    ("tenants/tenancy/membership.py", "resolve_membership", "unscoped"): (
        1, "sign-in lists the user's memberships in every tenant"),
    ("tenants/tenancy/membership.py", "resolve_membership", "cross-tenant"): (
        1, "sign-in lists the user's memberships in every tenant"),
    ("tenants/tenancy/middleware.py", "TenantMiddleware.__call__", "cross-tenant"): (
        1, "superusers in the admin site work across tenants (TenantAdmin)"),
    ("tenants/tenancy/outbox.py", "_relay", "unscoped"): (
        1, "the outbox relay sends every tenant's queued tasks (task names and ids only)"),
    ("tenants/tenancy/outbox.py", "_relay_across_tenants", "cross-tenant"): (
        1, "the outbox relay sends every tenant's queued tasks (task names and ids only)"),
    ("tenants/services/webhook_sending.py", "webhooks_due", "unscoped"): (
        1, "the webhook sweep finds every tenant's due deliveries (tenant and delivery ids only)"),
    ("tenants/services/webhook_sending.py", "webhooks_due", "cross-tenant"): (
        1, "the webhook sweep finds every tenant's due deliveries (tenant and delivery ids only)"),
}  # fmt: skip


class _Finder(ast.NodeVisitor):
    """Counts the hatch calls of one file by (file, enclosing function, kind)."""

    def __init__(self, relative: str, sites: Counter):
        self.relative, self.sites, self.scope = relative, sites, []

    def visit_FunctionDef(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Call(self, node):
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in HATCHES and not _is_super_call(node.func):
            where = ".".join(self.scope) or "<module>"
            self.sites[(self.relative, where, HATCHES[name])] += 1
        self.generic_visit(node)


def _is_super_call(func) -> bool:
    """`super().execute(...)`: a command or cursor handing on to Django's own, not SQL."""
    value = getattr(func, "value", None)
    return isinstance(value, ast.Call) and getattr(value.func, "id", None) == "super"


def _sites(root: Path = ROOT) -> Counter:
    sites = Counter()
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                relative = str(path.relative_to(root))
                _Finder(relative, sites).visit(ast.parse(path.read_text(), filename=relative))
    return sites


def test_every_escape_hatch_is_listed_with_its_reason():
    found = _sites()
    unlisted = {site: calls for site, calls in found.items() if site not in LISTED}
    assert not unlisted, f"unscoped() or raw SQL not listed in {__file__}: {unlisted}"
    changed = {
        site: (calls, LISTED[site][0]) for site, calls in found.items() if calls != LISTED[site][0]
    }
    assert not changed, f"calls (found, listed) changed at: {changed}"
    gone = set(LISTED) - set(found)
    assert not gone, f"listed but no longer in the code (remove them): {gone}"
    assert all(reason for _, reason in LISTED.values())


def test_the_scanner_finds_a_new_hatch(tmp_path):
    """The scan itself works: new unscoped() and cursor calls are reported where they are."""
    app = tmp_path / "accounts"
    app.mkdir()
    (app / "leak.py").write_text(
        "class Peek:\n"
        "    def all(self, Account, connection):\n"
        "        connection.cursor().execute('SELECT 1')\n"
        "        return Account.objects.unscoped()\n"
    )
    assert _sites(tmp_path) == Counter(
        {
            ("accounts/leak.py", "Peek.all", "unscoped"): 1,
            ("accounts/leak.py", "Peek.all", "raw SQL"): 2,
        }
    )
