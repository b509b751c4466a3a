"""API of health scorecards, their versions and accounts' health scores."""
