"""The CSM workplace: pages that read every domain (portfolio, account 360, home)."""
