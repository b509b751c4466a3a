"""REST API of the metrics app."""
