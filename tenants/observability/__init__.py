"""Operations: the Prometheus figures (instruments, queue depth, the scrape endpoint) and the
structured logs (one JSON line per request, request and tenant ids on every line).

Part of the platform layer so that every app can count what it does (ingestion counts the
events it accepts, the nightly task times its runs). See docs/operations.md.
"""
