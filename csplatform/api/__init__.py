"""Project-wide REST API plumbing: error shape, pagination, router."""
