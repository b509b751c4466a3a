"""KPI definitions and the nightly snapshots of churn, retention, NPS, LTV and adoption."""
