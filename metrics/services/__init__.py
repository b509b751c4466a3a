"""Write operations of the metrics app."""
