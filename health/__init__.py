"""Health scorecards, score history, alert rules and playbook tasks."""
