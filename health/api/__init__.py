"""REST API of the health app: NPS answers."""
