"""Forms of the health app's pages."""
