"""Benchmarks, run by `make bench-*` targets; not part of the test suite."""
