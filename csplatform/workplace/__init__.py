"""The CSM workplace: pages that read every domain (home, portfolio, account 360, renewals)."""
