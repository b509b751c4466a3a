"""Reads of the knowledge base: what the public help center shows (only published articles,
in a language with the help center's fallback) and its settings."""
