"""Deterministic demo history for a tenant (`manage.py seed_demo`): generation and COPY writer.

`service.demo_seed` is the entry point; the other modules each generate one part of an
account's history (terms, usage, surveys) or write it (rows, copy).
"""
