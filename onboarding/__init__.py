"""Onboarding checklist templates, per-account progress and the customer-facing portal."""
