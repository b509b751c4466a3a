"""Write operations of the health app."""
