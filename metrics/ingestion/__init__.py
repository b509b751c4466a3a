"""Usage-event ingestion: validating, deduplicating and storing batches of events, and the
Segment tracking-API translation on top of it. The HTTP side lives in metrics/api/."""
