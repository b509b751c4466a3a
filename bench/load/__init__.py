"""Load benchmark: mixed traffic against gunicorn for a bounded time, then proof that every
acknowledged event is stored exactly once and that no request failed.

    make bench-load ARGS="--duration 60"
    python -m csplatform.embedded -- python -m bench.load [--duration S] [--accounts N] ...

It creates a scratch database on the PostgreSQL of DATABASE_URL (the embedded one through
csplatform.embedded), migrates it, seeds a tenant with `seed_demo` (bench/load/seed.py),
starts gunicorn on 127.0.0.1 with production settings and a Celery worker for what the
requests queue, and runs locust headless (bench/load/traffic.py) for --duration seconds:
event batches, Segment calls, portfolio and account pages as a signed-in CSM, API reads
with a key, portal checklist ticks and help center searches. Then it counts, by message id,
the events stored against those the load generator saw acknowledged (a 2xx answer), and
prints a table of each kind's requests, throughput and p50/p95/p99 latency:

    kind             requests  failures     req/s   events/s   p50 ms   p95 ms   p99 ms
    events batch        1,210         0      20.2      1,010       52      180      320
    ...
    events: 60,512 acknowledged, 60,512 stored once, 0 lost, 0 stored twice | failures 0

It exits non-zero on any lost or duplicated event or failed request. --database URL runs on
a database already migrated (the CI test's) instead of a scratch one. Only the loopback
address is used; the servers and the scratch database are removed at the end (--keep keeps
the database).
"""
