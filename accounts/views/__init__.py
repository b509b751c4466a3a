"""Browser views of the accounts app."""
