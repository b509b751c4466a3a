"""Customer health: scorecards, scores and their history (models arrive with health scoring)."""
