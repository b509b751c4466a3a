"""Full-text search of the help center on PostgreSQL alone."""
