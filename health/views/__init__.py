"""Pages of the health app (thin views over health.services and health.selectors)."""
