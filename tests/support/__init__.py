"""A test-only app whose model links two tenant-owned rows, to exercise the tenancy base."""
