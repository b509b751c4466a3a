"""Personal data on request: everything stored about one contact, as JSON, and its erasure.

It reads every app's tables (contacts, NPS answers, product usage), so it lives on top.
"""
