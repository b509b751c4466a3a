"""The REST API of onboarding: templates, plans and handovers."""
