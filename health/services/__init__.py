"""Writes of the health app: scorecards (validated, versioned), their defaults, and scores."""
