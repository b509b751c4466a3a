"""What the load benchmark concludes: each acknowledged event counted in the database by its
message id, and the figures of each kind of request as a table."""

import psycopg2


def stored_counts(database_url: str, slug: str, ids: list[str]) -> dict[str, int]:
    """How many rows each of `ids` has in the tenant's events (as the tables' owner)."""
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.message_id, count(*) FROM metrics_usageevent e "
                "JOIN tenants_tenant t ON t.id = e.tenant_id "
                "WHERE t.slug = %s AND e.message_id = ANY(%s) GROUP BY e.message_id",
                [slug, ids],
            )
            return dict(cursor.fetchall())
    finally:
        connection.close()


def table(result: dict) -> str:
    header = (f"{'kind':<16}{'requests':>10}{'failures':>10}{'req/s':>9}{'events/s':>11}"
              f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")  # fmt: skip
    lines = [header]
    seconds = result["seconds"]
    for name, k in result["kinds"].items():
        rate = k["events"] / seconds
        events = (f"{rate:,.0f}" if rate >= 100 else f"{rate:.1f}") if k["events"] else ""
        lines.append(
            f"{name:<16}{k['requests']:>10,}{k['failures']:>10,}{k['per_second']:>9,.1f}"
            f"{events:>11}{k['p50']:>9,.0f}{k['p95']:>9,.0f}{k['p99']:>9,.0f}"
        )
    return "\n".join(lines)


def verdict(result: dict, counts: dict[str, int]) -> tuple[str, bool]:
    acknowledged = result["acknowledged"]
    lost = [i for i in acknowledged if counts.get(i, 0) == 0]
    twice = [i for i, n in counts.items() if n > 1]
    answered = set(acknowledged)
    unanswered = sum(1 for i in counts if i not in answered)
    failures = sum(k["failures"] for k in result["kinds"].values())
    line = (
        f"events: {len(acknowledged):,} acknowledged, {len(acknowledged) - len(lost):,} stored "
        f"once, {len(lost):,} lost, {len(twice):,} stored twice "
        f"({unanswered:,} stored without an answer) | failures {failures:,} "
        f"| {result['seconds']:.0f} s"
    )
    return line, not (lost or twice or failures or result["errors"])
