"""The CSM workplace: pages that read every domain (accounts, metrics, health, onboarding)."""
