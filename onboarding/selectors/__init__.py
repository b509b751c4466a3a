"""Reads of onboarding: for the pages and the API, the metrics, the alert rules and the
check-in playbooks (which plans are stalled, the funnel of a template, the monthly cohorts)."""
