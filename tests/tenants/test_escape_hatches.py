"""Every place that leaves the tenant manager (unscoped(), raw SQL, COPY) is listed here with
its reason; a new one fails this test until it is reviewed and listed."""

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
}

# (file, function, kind): (calls, why it is safe)
LISTED = {
    ("csplatform/demo/seed/copy.py", "copy_rows", "raw SQL"): (
        1, "COPY of generated rows, every one carrying the seeded tenant's id"),
    ("csplatform/demo/seed/copy.py", "ids_reserve", "raw SQL"): (
        1, "reserves sequence values; reads no rows"),
    ("csplatform/demo/seed/service.py", "demo_seed", "raw SQL"): (
        3, "switches constraint timing around the seeded tenant's COPYs"),
    ("csplatform/views.py", "healthz", "raw SQL"): (2, "SELECT 1 for the health check"),
    ("metrics/engine/connections.py", "_cancel", "raw SQL"): (
        2, "cancels the engine's own statements on its other connections"),
    ("metrics/engine/inputs.py", "_frame", "raw SQL"): (
        2, "COPY of a query given the tenant's id by its caller"),
    ("metrics/engine/rollups.py", "_settings", "raw SQL"): (3, "SET LOCAL memory settings"),
    ("metrics/engine/rollups.py", "chunks_balanced", "raw SQL"): (
        3, "samples the events WHERE tenant_id = the run's tenant"),
    ("metrics/engine/rollups.py", "days_received_since", "raw SQL"): (
        2, "the run's tenant's late events (WHERE tenant_id)"),
    ("metrics/engine/rollups.py", "event_firsts_update", "raw SQL"): (
        2, "first days of the run's tenant's accounts (WHERE tenant_id)"),
    ("metrics/engine/rollups.py", "rollups_analyze", "raw SQL"): (2, "ANALYZE; reads no rows"),
    ("metrics/engine/rollups.py", "rollups_build", "raw SQL"): (
        3, "the rollup statement, every table filtered by the run's tenant"),
    ("metrics/engine/run.py", "tenant_lock", "raw SQL"): (
        4, "advisory lock keyed by the tenant's id"),
    ("metrics/engine/store.py", "figures_replace", "raw SQL"): (
        3, "deletes and COPYs the run's tenant's figures (WHERE tenant_id)"),
    ("metrics/ingestion/events.py", "_store", "raw SQL"): (
        2, "one INSERT per batch, every row with the request's tenant"),
    ("metrics/tasks.py", "nightly_all", "unscoped"): (
        1, "the nightly fan-out reads every tenant's bookmark to queue its run"),
    ("tenants/api/authentication.py", "_touch", "unscoped"): (
        1, "stamps the key's last use; the key is found before any tenant is active"),
    ("tenants/api/authentication.py", "authenticate_key", "unscoped"): (
        1, "the key decides the tenant, so it is looked up before one is active"),
    ("tenants/db/rls.py", "rls_ensure", "raw SQL"): (
        15, "creates the role, its grants and the policies; reads no tenant rows"),
    ("tenants/db/rls.py", "tables_without_policy", "raw SQL"): (
        2, "reads the catalogue (pg_class, pg_policies), no tenant rows"),
    ("tenants/services/invitations.py", "invitation_accept", "unscoped"): (
        1, "an anonymous invitee's token decides the tenant"),
    ("tenants/services/invitations.py", "invitation_for_token", "unscoped"): (
        1, "an anonymous invitee's token decides the tenant"),
    ("tenants/tenancy/admin.py", "TenantAdmin.formfield_for_foreignkey", "unscoped"): (
        1, "superusers choose among all tenants' rows; staff get their tenant's"),
    ("tenants/tenancy/admin.py", "TenantAdmin.get_queryset", "unscoped"): (
        1, "superusers see all tenants; staff are filtered to their own"),
    ("tenants/tenancy/membership.py", "resolve_membership", "unscoped"): (
        1, "sign-in lists the user's memberships in every tenant"),
    ("tenants/tenancy/outbox.py", "_relay_across_tenants", "unscoped"): (
        1, "the outbox relay sends every tenant's queued tasks (task names and ids only)"),
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
        if name in HATCHES:
            where = ".".join(self.scope) or "<module>"
            self.sites[(self.relative, where, HATCHES[name])] += 1
        self.generic_visit(node)


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
