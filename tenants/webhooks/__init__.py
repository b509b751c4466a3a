"""Outbound webhook helpers: event types, the URL guard, signing and the HTTP sender."""
