"""CSV import and export of the tenant's accounts, contacts and subscriptions.

formats: the columns of each kind and how a file is decoded and read; rows: one row through
the API serializer; validate / apply: the two import passes (run by Celery tasks); jobs: the
services the pages call; progress: rows done, kept in the cache; export: the CSV download.
"""
