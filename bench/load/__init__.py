"""Load benchmark: mixed traffic against gunicorn for a bounded time, then proof that every
acknowledged event is stored exactly once and that no request failed.

    make bench-load DURATION=300 ARGS="--accounts 1000 --integrations 6"
    python -m csplatform.embedded -- python -m bench.load [--duration S] [--accounts N] ...

It creates a scratch database on the PostgreSQL of DATABASE_URL (the embedded one through
csplatform.embedded), migrates it, seeds a tenant with `seed_demo` (bench/load/seed.py),
starts gunicorn on 127.0.0.1 with production settings and a Celery worker for what the
requests queue, and runs locust headless (bench/load/traffic.py) for --warmup seconds left
out of the figures (server workers importing the project, CSMs signing in), then --duration:
event batches, Segment calls, portfolio and account pages as a signed-in CSM, API reads
with a key, portal checklist ticks and help center searches. Then it counts, by message id,
the events stored against those the load generator saw acknowledged (a 2xx answer), and
prints a table of each kind's requests, throughput and p50/p95/p99 latency:

    kind              requests  failures    req/s   events/s   p50 ms   p95 ms   p99 ms
    account 360             31         0      0.5               1,800    2,700    3,700
    events batch           144         0      2.4        132      570    1,200    1,600
    ...
    events: 8,726 acknowledged, 8,726 stored once, 0 lost, 0 stored twice (0 stored without
    an answer) | failures 0 | 61 s

It exits non-zero on any lost or duplicated event, any failed request (warm-up included) or
a kind of request never made. --database URL runs on
a database already migrated (the CI test's) instead of a scratch one. Only the loopback
address is used; the servers and the scratch database are removed at the end (--keep keeps
the database).
"""
