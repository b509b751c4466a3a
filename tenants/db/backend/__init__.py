"""The PostgreSQL backend of csplatform: row-level security for every statement (base.py)."""
