"""The CSM workplace: pages that read every domain (accounts, health, onboarding, metrics)."""
