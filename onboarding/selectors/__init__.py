"""Reads of onboarding for the CSM pages, the alert rules and the check-in playbooks: which
plans are stalled, the funnel of a template and the monthly cohorts."""
